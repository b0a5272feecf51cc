import {readFileSync} from 'node:fs'
import {Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import {CcxError, EXIT} from '../../errors.js'
import type {AgentsReport} from '../../reports/service/agents.js'

export default class ReportAgents extends DataCommand<typeof ReportAgents> {
  static description = `Agent scoring: a weighted scorecard (volume, speed, quality, satisfaction, conversion to leads
and orders, script adherence when the telesales analysis ran), each agent against the team and the industry average,
a ranking that leaves out agents with too few contacts, and profile tags: the intents, industries and customer types
each agent converts better than the team (for routing). Scorecard: defaults/scorecard.json, config "scoring" or --scorecard.`
  static examples = [
    '<%= config.bin %> report agents --from 2026-01-01 --to 2026-01-31',
    '<%= config.bin %> report agents --min-contacts 50 --scorecard my-scorecard.json --json',
  ]
  static flags = {
    from: Flags.string({description: 'first day (YYYY-MM-DD)'}),
    to: Flags.string({description: 'last day, inclusive (YYYY-MM-DD)'}),
    site: Flags.string({description: 'only this site (industry averages still pool every site of the industry)'}),
    'min-contacts': Flags.integer({description: 'agents with fewer handled contacts are not ranked (default: scorecard minContacts, 20)'}),
    scorecard: Flags.string({description: 'scorecard JSON file (shape of defaults/scorecard.json)'}),
    benchmarks: Flags.string({description: 'industry benchmarks JSON: {"service": {"<industry>": {"csat_top2": 0.8, "source": "..."}}}'}),
    'repeat-days': Flags.integer({description: 'window for repeat contacts (first-contact resolution)', default: 7}),
    chart: Flags.string({description: 'write the score chart (.vl.json, .svg, .png)'}),
  }

  async run(): Promise<AgentsReport> {
    const {flags} = await this.parse(ReportAgents)
    if (flags['min-contacts'] !== undefined && flags['min-contacts'] < 1)
      throw new CcxError('--min-contacts must be ≥ 1', {code: 'BAD_FLAG', exit: EXIT.usage})
    const store = await this.openStore(this.dbPath(flags.db))
    const {agentsReport, loadScorecard} = await import('../../reports/service/agents.js')
    const {ensureServiceFacts} = await import('../../reports/service/service.js')
    const card = loadScorecard({file: flags.scorecard, config: this.ccxConfig.config.scoring})
    await ensureServiceFacts(store, this.ccxConfig, (m) => this.progress(m))
    const report = await agentsReport(store, card, {
      from: flags.from,
      to: flags.to,
      site: flags.site,
      minContacts: flags['min-contacts'],
      repeatDays: flags['repeat-days'],
      benchmarks: flags.benchmarks ? readBenchmarks(flags.benchmarks) : undefined,
    })
    const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${(v * 100).toFixed(1)}%`)
    const num = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : Math.round(v * 10) / 10)
    this.table(
      report.agents.map((a) => ({
        rank: a.rank ?? '-',
        agent: a.agent_id,
        score: a.score === null ? (a.reason ?? 'n/a') : Math.round(a.score * 10) / 10,
        handled: a.handled,
        'AHT s': num(a.values.aht_s),
        'FRT s': num(a.values.first_response_s),
        FCR: pct(a.values.fcr),
        'CSAT t2b': pct(a.values.csat_top2),
        'lead%': pct(a.values.lead_rate),
        'order%': pct(a.values.order_rate),
        adherence: pct(a.values.adherence),
        'Δ team CSAT': a.vsTeam.csat_top2 == null ? 'n/a' : `${(a.vsTeam.csat_top2 * 100).toFixed(1)} pt`,
        'Δ industry CSAT': a.vsIndustry.csat_top2 == null ? 'n/a' : `${(a.vsIndustry.csat_top2 * 100).toFixed(1)} pt`,
        tags: a.tags
          .slice(0, 3)
          .map((t) => `${t.dimension}=${t.value}`)
          .join('; '),
      })),
    )
    for (const n of report.notes) this.progress(n)
    if (flags.chart) {
      const {scoreChart, writeServiceChart} = await import('../../reports/service/charts.js')
      await writeServiceChart(scoreChart(report.agents), flags.chart)
      this.progress(`chart written: ${flags.chart}`)
    }
    return report
  }
}

function readBenchmarks(path: string): Record<string, Record<string, unknown>> {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new CcxError(`benchmarks file ${path}: ${(error as Error).message}`, {code: 'BAD_INPUT', exit: EXIT.badInput})
  }
  const service = (raw as {service?: unknown})?.service ?? raw
  if (!service || typeof service !== 'object')
    throw new CcxError(`benchmarks file ${path}: expected {"service": {"<industry>": {...}}}`, {
      code: 'BAD_INPUT',
      exit: EXIT.invalidConfig,
    })
  return service as Record<string, Record<string, unknown>>
}
