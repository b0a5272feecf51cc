import {Args, Flags} from '@oclif/core'
import {ReportCommand, reportFlags, type Reported} from '../../cli/report-runner.js'
import type {JourneyResult} from '../../reports/marketing/journey.js'

export default class ReportJourney extends ReportCommand<typeof ReportJourney> {
  static description = `One person's timeline across devices and channels: visits (source, keyword, place), pages with dwell time,
invitations and directives shown, chats, calls, leads, orders, and where each visit ended.

The id may be any of the person's (\`ccx run identities\` links them): a visitor id, member id, customer id, phone
number, or a chat, call, lead or order id. Without identities, or with --visitor-only, one visitor id's timeline.`
  static examples = [
    '<%= config.bin %> report journey vwjr724e234ef0089',
    '<%= config.bin %> report journey m-2001 --json',
    '<%= config.bin %> report journey 13812345678 --chart journey.svg',
    '<%= config.bin %> report journey vwjr724e234ef0089 --visitor-only --clicks',
  ]
  static args = {
    id: Args.string({
      description: "a visitor id (the probe's visitor_id), or a member id, customer id, phone, chat, call, lead or order id",
      required: true,
    }),
  }
  static flags = {
    ...reportFlags,
    clicks: Flags.boolean({description: 'include click events'}),
    'visitor-only': Flags.boolean({description: "only this visitor id's timeline (one device), not the person's"}),
    kind: Flags.string({
      description: 'what the id is, when it could be several',
      options: ['visitor', 'member', 'customer', 'phone', 'email', 'wechat', 'lead', 'call', 'conversation', 'order'],
    }),
  }

  async run(): Promise<Reported<JourneyResult>> {
    const {args, flags} = await this.parse(ReportJourney)
    const {default: journey} = await import('../../reports/marketing/journey.js')
    return this.runReport(journey, flags, {
      id: args.id,
      clicks: flags.clicks,
      visitorOnly: flags['visitor-only'],
      kind: flags.kind as never,
    })
  }
}
