import {Flags} from '@oclif/core'
import {join, resolve} from 'node:path'
import {BaseCommand} from '../cli/base-command.js'
import type {DemoResult} from '../demo/service.js'
import {percent} from '../format/numbers.js'

export default class Demo extends BaseCommand<typeof Demo> {
  static description = `From nothing to reports: generate realistic fixtures, ingest them into a fresh database, run every
pipeline, and write the reports. Prints where everything went.`
  static examples = ['<%= config.bin %> demo', '<%= config.bin %> demo --visitors 20000 --days 30 --out /tmp/ccx-demo']
  static flags = {
    out: Flags.string({description: 'folder for generated data and the demo database', default: 'demo'}),
    db: Flags.string({description: 'database file (default: <out>/ccx.duckdb; replaced)'}),
    reports: Flags.string({description: 'folder for the reports (default: reports/)'}),
    // keyword rows need n·p₀ ≥ 5 visitors to be tested (≈ 112 at a 4.5% lead rate): with 10,000 the largest
    // site × engine × keyword row had 103 and the keyword report could flag nothing (docs/metrics.md)
    visitors: Flags.integer({description: 'visitors to generate', default: 20000, min: 1}),
    days: Flags.integer({description: 'days of data', default: 14, min: 1}),
    seed: Flags.string({description: 'generator seed (same seed, same data)', default: 'ccx-demo'}),
  }

  async run(): Promise<DemoResult> {
    const {flags} = await this.parse(Demo)
    const {runDemo} = await import('../demo/service.js')
    const out = resolve(flags.out)
    const result = await runDemo({
      out,
      db: resolve(flags.db ?? join(out, 'ccx.duckdb')),
      reportsDir: resolve(flags.reports ?? this.ccxConfig.config.reportsDir),
      visitors: flags.visitors,
      days: flags.days,
      seed: flags.seed,
      config: this.ccxConfig,
      log: (m) => this.progress(m),
    })
    const failed = result.pipelines.filter((p) => p.status === 'failed')
    this.log('')
    this.log(`data:      ${result.data}`)
    this.log(`database:  ${result.db}   (try: ccx report funnel --db ${result.db})`)
    for (const r of result.reports) this.log(`report:    ${r}`)
    this.log(`pipelines: ${result.pipelines.filter((p) => p.status === 'ran').length} ran, ${failed.length} failed`)
    if (result.story.length > 0) {
      this.log('\nThe four visitors of the story:')
      this.table(result.story)
    }
    if (result.bot.length > 0) {
      this.log('\nThe story visitors ask the FAQ bot:')
      this.table(
        result.bot.map((b) => ({
          visitor: b.visitor_id,
          question: b.question,
          entry: b.entry_id ?? '-',
          confidence: b.confidence.toFixed(2),
          answer: b.answer.length > 40 ? `${b.answer.slice(0, 39)}…` : b.answer,
        })),
      )
    }
    const b = result.botLayers
    if (b) {
      const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`)
      this.log(`\nThe bot's own exchanges (logged as serve logs them, loaded from the event log; ccx report layers):`)
      this.log(
        `  ${b.exchanges} exchanges from ${b.visitors} visitors; containment ${pct(b.containment)}, hand-over ${pct(b.handoverRate)}`,
      )
      this.log(
        `  answer accuracy: ${pct(b.fromFeedback.accuracy)} from ${b.fromFeedback.judged} votes, ` +
          `${pct(b.fromLabels?.accuracy ?? null)} from ${b.fromLabels?.judged ?? 0} labelled (data/bot_labels.csv)`,
      )
    }
    if (result.surveys.length > 0) {
      this.log('\nSurveys of the generated visitors (`ccx report survey`):')
      this.table(
        result.surveys.map((s) => ({
          questionnaire: `${s.survey} v${s.version}`,
          shown: s.shown,
          answered: s.answered,
          'response rate': percent(s.responseRate),
          'CSAT top-2-box': percent(s.csatTop2Box),
          NPS: s.nps === null ? 'n/a' : s.nps.toFixed(1),
        })),
      )
    }
    if (failed.length > 0) this.error(`pipelines failed: ${failed.map((f) => `${f.pipeline}: ${f.message}`).join('; ')}`, {exit: 1})
    return result
  }
}
