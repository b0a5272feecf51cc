import {ReportCommand, reportFlags, type Reported} from '../../cli/report-runner.js'
import type {QualityReport} from '../../reports/service/quality.js'

export default class ReportQuality extends ReportCommand<typeof ReportQuality> {
  static description = `Data quality at a glance, per source and field: the share of empty values and of values outside the
documented range, time orders flagged at ingest (answer before offer, end before answer), duplicate and filtered rows,
and the quarantine by reason. Covers every row loaded (--from/--to do not apply). Formulas: docs/metrics.md.`
  static examples = [
    '<%= config.bin %> report quality',
    '<%= config.bin %> report quality --json',
    '<%= config.bin %> report quality --out quality.csv',
  ]
  static flags = {...reportFlags}

  async run(): Promise<Reported<QualityReport>> {
    const {flags} = await this.parse(ReportQuality)
    const {default: quality} = await import('../../reports/service/quality.js')
    return this.runReport(quality, flags, {})
  }
}
