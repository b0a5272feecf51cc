import {Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import {reportFlags} from '../../reports/flags.js'
import type {KeywordResult} from '../../reports/marketing/keywords.js'

export default class ReportKeywords extends DataCommand<typeof ReportKeywords> {
  static description = `Keyword conversion per search keyword and engine, with 95% Wilson intervals, against industry averages.

Each keyword is compared with (a) the pooled data of the other sites of the same industry (sites.industry) and
(b) a benchmarks file; keywords significantly below or above (exact binomial / two-proportion z-test,
Benjamini–Hochberg across keywords) are flagged, ranked by conversions lost against the reference.`
  static examples = [
    '<%= config.bin %> report keywords --site canon-sz --from 2026-11-01 --to 2026-11-30',
    '<%= config.bin %> report keywords --benchmarks my-benchmarks.json --metric order_rate --csv',
    '<%= config.bin %> report keywords --against industry --chart reports/keywords.svg',
  ]
  static flags = {
    ...reportFlags,
    benchmarks: Flags.string({
      description: 'benchmarks file (default: config files.benchmarks, else defaults/benchmarks.json; format in docs/metrics.md)',
    }),
    'no-benchmarks': Flags.boolean({description: 'compare with the pooled industry only', exclusive: ['benchmarks']}),
    metric: Flags.string({
      description: 'rate tested against the reference',
      options: ['inquiry_rate', 'lead_rate', 'order_rate'],
      default: 'lead_rate',
    }),
    against: Flags.string({
      description: 'reference that flags a keyword: benchmark file, pooled industry, or auto (file when it has a figure)',
      options: ['auto', 'benchmark', 'industry'],
      default: 'auto',
    }),
    industry: Flags.string({description: 'industry for sites without sites.industry'}),
    window: Flags.string({description: 'conversion window after the first visit from the keyword', default: '30d'}),
    'min-visitors': Flags.integer({description: 'fewest visitors for a keyword to be tested', default: 30}),
    fdr: Flags.string({description: 'false discovery rate (Benjamini–Hochberg)', default: '0.05'}),
    limit: Flags.integer({description: 'rows shown (ranked by conversions lost)'}),
  }

  async run(): Promise<KeywordResult> {
    const {flags} = await this.parse(ReportKeywords)
    const {keywordReport, keywordChart, KEYWORD_TABLE_COLUMNS} = await import('../../reports/marketing/keywords.js')
    const {loadBenchmarks, defaultBenchmarksPath} = await import('../../reports/marketing/benchmarks.js')
    const {parseDuration} = await import('../../reports/common.js')
    const {presentReport} = await import('../../reports/present.js')
    const fdr = Number(flags.fdr)
    if (!(fdr > 0 && fdr < 1)) this.error(`--fdr ${flags.fdr} must be a number between 0 and 1`, {exit: 2})
    const benchmarks = flags['no-benchmarks'] ? undefined : loadBenchmarks(flags.benchmarks ?? defaultBenchmarksPath(this.ccxConfig))
    const store = await this.openStore(this.dbPath(flags.db))
    const result = await keywordReport(store, {
      from: flags.from,
      to: flags.to,
      site: flags.site,
      benchmarks,
      fdr,
      metric: flags.metric as 'lead_rate',
      against: flags.against as 'auto',
      industry: flags.industry,
      windowS: parseDuration(flags.window, '--window'),
      minVisitors: flags['min-visitors'],
      limit: flags.limit,
    })
    const rows = result.rows as unknown as Record<string, unknown>[]
    await presentReport(
      rows,
      () => keywordChart(result),
      {
        json: this.jsonEnabled(),
        csv: flags.csv,
        out: flags.out,
        chart: flags.chart,
        store,
        log: (t) => this.log(t),
        progress: (t) => this.progress(t),
      },
      flags.csv ? undefined : KEYWORD_TABLE_COLUMNS.filter((c) => c !== 'advice'),
    )
    if (!this.jsonEnabled() && !flags.csv) for (const r of result.rows.filter((x) => x.advice).slice(0, 10)) this.log(`• ${r.advice}`)
    return result
  }
}
