import {Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import {CcxError, EXIT} from '../../errors.js'
import type {LayersReport} from '../../reports/service/layers.js'

export default class ReportLayers extends DataCommand<typeof ReportLayers> {
  static description = `Layered service KPIs (self-service → bot → online agent → hotline): where each person's demand
ended (highest layer reached), self-service share, bot containment, bot answer accuracy from labelled exchanges
(--bot-labels), satisfaction per layer, and the share of hotline calls transferred from a chat that repeat a question
already asked online. Rules: docs/metrics.md.`
  static examples = [
    '<%= config.bin %> report layers --from 2026-01-01 --to 2026-01-31',
    '<%= config.bin %> report layers --bot-labels labels.csv --json',
  ]
  static flags = {
    from: Flags.string({description: 'first day (YYYY-MM-DD)'}),
    to: Flags.string({description: 'last day, inclusive (YYYY-MM-DD)'}),
    site: Flags.string({description: 'only this site'}),
    'service-intents': Flags.string({
      description: 'session intents that count as service demand (comma-separated)',
      default: 'service_station,support',
    }),
    'bot-labels': Flags.string({description: 'CSV with header conversation_id,seq,correct (1/0): labelled bot answers'}),
    similarity: Flags.string({description: 'bigram Jaccard at or above which a call turn repeats a chat question', default: '0.5'}),
    chart: Flags.string({description: 'write the layer chart (.vl.json, .svg, .png)'}),
  }

  async run(): Promise<LayersReport> {
    const {flags} = await this.parse(ReportLayers)
    const similarity = Number(flags.similarity)
    if (!(similarity > 0 && similarity <= 1))
      throw new CcxError(`--similarity ${flags.similarity}: use a number in (0, 1]`, {code: 'BAD_FLAG', exit: EXIT.usage})
    const store = await this.openStore(this.dbPath(flags.db))
    const {ensureServiceFacts} = await import('../../reports/service/service.js')
    const {layersReport} = await import('../../reports/service/layers.js')
    await ensureServiceFacts(store, this.ccxConfig, (m) => this.progress(m))
    const report = await layersReport(store, {
      from: flags.from,
      to: flags.to,
      site: flags.site,
      serviceIntents: flags['service-intents']
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      botLabels: flags['bot-labels'],
      similarity,
    })
    const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${(v * 100).toFixed(1)}%`)
    this.table(
      report.layers.map((l) => ({
        layer: l.layer,
        people: l.people,
        share: pct(l.share),
        contacts: l.contacts,
        'CSAT t2b': pct(l.csatTop2Box),
        'CSAT n': l.csatResponses,
      })),
    )
    this.log('')
    this.table([
      {measure: 'self-service share', value: pct(report.selfServiceShare)},
      {measure: 'bot containment (bot-only ÷ chats reaching the bot)', value: pct(report.botContainment)},
      {
        measure: 'bot answer accuracy',
        value: report.botAccuracy
          ? `${pct(report.botAccuracy.accuracy)} of ${report.botAccuracy.labelled} labelled`
          : 'n/a (use --bot-labels)',
      },
      {measure: 'hotline transfers repeating a chat question', value: `${pct(report.transfers.share)} of ${report.transfers.calls}`},
    ])
    for (const n of report.notes) this.progress(n)
    if (report.botAccuracy && report.botAccuracy.unmatched > 0)
      this.progress(`bot labels: ${report.botAccuracy.unmatched} rows match no bot message (check conversation_id and seq)`)
    if (flags.chart) {
      const {layersChart, writeServiceChart} = await import('../../reports/service/charts.js')
      await writeServiceChart(layersChart(report.layers), flags.chart)
      this.progress(`chart written: ${flags.chart}`)
    }
    return report
  }
}
