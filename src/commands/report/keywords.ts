import {Flags} from '@oclif/core'
import {ReportCommand, reportFlags, warehouseFlag, type Reported} from '../../cli/report-runner.js'
import {CcxError, EXIT} from '../../errors.js'
import type {KeywordResult} from '../../reports/marketing/keywords.js'

export default class ReportKeywords extends ReportCommand<typeof ReportKeywords> {
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
    ...warehouseFlag,
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

  async run(): Promise<Reported<KeywordResult>> {
    const {flags} = await this.parse(ReportKeywords)
    const {default: keywords} = await import('../../reports/marketing/keywords.js')
    const {benchmarksPath, loadBenchmarks} = await import('../../reports/marketing/benchmarks.js')
    const {parseDuration} = await import('../../reports/marketing/common.js')
    const fdr = Number(flags.fdr)
    if (!(fdr > 0 && fdr < 1))
      throw new CcxError(`--fdr ${flags.fdr} must be a number between 0 and 1`, {code: 'BAD_FLAG', exit: EXIT.usage})
    return this.runReport(keywords, flags, {
      benchmarks: flags['no-benchmarks'] ? undefined : loadBenchmarks(benchmarksPath(this.ccxConfig, flags.benchmarks)),
      fdr,
      metric: flags.metric as 'lead_rate',
      against: flags.against as 'auto',
      industry: flags.industry,
      windowS: parseDuration(flags.window, '--window'),
      minVisitors: flags['min-visitors'],
      limit: flags.limit,
    })
  }
}
