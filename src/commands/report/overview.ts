import {DataCommand} from '../../cli/base-command.js'
import {reportFlags} from '../../reports/flags.js'
import type {OverviewResult} from '../../reports/marketing/overview.js'

export default class ReportOverview extends DataCommand<typeof ReportOverview> {
  static description = `Service dashboard of a day or range: visitors, page views, invitations, chat requests, successful chats,
leads, registrations, left messages, orders, per-visitor ratios, and who handled which chats with what satisfaction.`
  static examples = [
    '<%= config.bin %> report overview --from 2026-11-02 --to 2026-11-02',
    '<%= config.bin %> report overview --site canon-sz --json',
  ]
  static flags = {...reportFlags}

  async run(): Promise<OverviewResult> {
    const {flags} = await this.parse(ReportOverview)
    const {overviewReport, overviewRows, overviewChart} = await import('../../reports/marketing/overview.js')
    const {presentReport} = await import('../../reports/present.js')
    const {formatTable} = await import('../../cli/table.js')
    const store = await this.openStore(this.dbPath(flags.db))
    const result = await overviewReport(store, {from: flags.from, to: flags.to, site: flags.site})
    await presentReport(overviewRows(result), () => overviewChart(result), {
      json: this.jsonEnabled(),
      csv: flags.csv,
      out: flags.out,
      chart: flags.chart,
      store,
      log: (t) => this.log(t),
      progress: (t) => this.progress(t),
    })
    if (!this.jsonEnabled() && !flags.csv) {
      this.log('\nChats by agent')
      this.log(formatTable(result.agents as unknown as Record<string, unknown>[]))
    }
    return result
  }
}
