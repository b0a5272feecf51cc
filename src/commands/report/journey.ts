import {Args, Flags} from '@oclif/core'
import {ReportCommand, reportFlags, type Reported} from '../../cli/report-runner.js'
import type {JourneyResult} from '../../reports/marketing/journey.js'

export default class ReportJourney extends ReportCommand<typeof ReportJourney> {
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

  async run(): Promise<Reported<JourneyResult>> {
    const {args, flags} = await this.parse(ReportJourney)
    const {default: journey} = await import('../../reports/marketing/journey.js')
    return this.runReport(journey, flags, {visitor: args.visitor, clicks: flags.clicks})
  }
}
