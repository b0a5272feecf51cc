import {Args, Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import {reportFlags} from '../../reports/flags.js'
import type {JourneyResult} from '../../reports/marketing/journey.js'

export default class ReportJourney extends DataCommand<typeof ReportJourney> {
  static description = `One visitor's timeline: visits (source, keyword, place), pages with dwell time, invitations and directives
shown, chats, calls, leads, orders, and where each visit ended.`
  static examples = [
    '<%= config.bin %> report journey vwjr724e234ef0089',
    '<%= config.bin %> report journey vwjr724e234ef0089 --clicks --json',
    '<%= config.bin %> report journey vwjr724e234ef0089 --chart journey.svg',
  ]
  static args = {
    visitor: Args.string({description: "the probe's visitor_id", required: true}),
  }
  static flags = {
    ...reportFlags,
    clicks: Flags.boolean({description: 'include click events'}),
  }

  async run(): Promise<JourneyResult> {
    const {args, flags} = await this.parse(ReportJourney)
    const {journeyReport, journeyChart} = await import('../../reports/marketing/journey.js')
    const {presentReport} = await import('../../reports/present.js')
    const store = await this.openStore(this.dbPath(flags.db))
    const result = await journeyReport(store, args.visitor, {from: flags.from, to: flags.to, site: flags.site, clicks: flags.clicks})
    if (!this.jsonEnabled() && !flags.csv)
      this.log(`visitor ${result.visitor_id}: ${result.visits} visit(s), ${result.first_seen} → ${result.last_seen}`)
    await presentReport(
      result.steps as unknown as Record<string, unknown>[],
      () => journeyChart(result),
      {
        json: this.jsonEnabled(),
        csv: flags.csv,
        out: flags.out,
        chart: flags.chart,
        store,
        log: (t) => this.log(t),
        progress: (t) => this.progress(t),
      },
      flags.csv ? undefined : ['ts', 'visit_number', 'kind', 'url', 'detail', 'dwell_s'],
    )
    return result
  }
}
