import {ReportCommand, reportFlags, warehouseFlag, type Reported} from '../../cli/report-runner.js'
import type {OverviewResult} from '../../reports/marketing/overview.js'

export default class ReportOverview extends ReportCommand<typeof ReportOverview> {
  static description = `Service dashboard of a day or range: visitors, page views, invitations, chat requests, successful chats,
leads, registrations, left messages, orders, per-visitor ratios, and who handled which chats with what satisfaction.`
  static examples = [
    '<%= config.bin %> report overview --from 2026-11-02 --to 2026-11-02',
    '<%= config.bin %> report overview --site canon-sz --json',
  ]
  static flags = {...reportFlags, ...warehouseFlag}

  async run(): Promise<Reported<OverviewResult>> {
    const {flags} = await this.parse(ReportOverview)
    const {default: overview} = await import('../../reports/marketing/overview.js')
    return this.runReport(overview, flags, {})
  }
}
