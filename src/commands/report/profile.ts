import {Args, Flags} from '@oclif/core'
import {ReportCommand, reportFlags, type Reported} from '../../cli/report-runner.js'
import type {ProfileResult} from '../../reports/marketing/profile.js'

export default class ReportProfile extends ReportCommand<typeof ReportProfile> {
  static description = `One person's 360° profile, found by any of their ids: identity (contacts masked), first and last seen,
channels used, visits with source, keyword and place, intents over time, chats and calls with agents and outcomes,
leads, orders and their value, the last agent who served them, satisfaction, and tags (intents, value tier,
responsiveness).

Persons come from \`ccx run identities\`; a phone number is looked up by its hash (as ingest stores it) and only shown
masked. --from/--to narrow the activity lists. Formulas: docs/metrics.md "Profile".`
  static examples = [
    '<%= config.bin %> report profile m-2001',
    '<%= config.bin %> report profile 13812345678 --json',
    '<%= config.bin %> report profile v-li-phone --out profile.html',
    '<%= config.bin %> report profile 0042 --kind customer',
  ]
  static args = {
    id: Args.string({
      description: 'a visitor id, member id, customer id, phone number or email, a call, chat, lead or order id, or a person as kind:value',
      required: true,
    }),
  }
  static flags = {
    ...reportFlags,
    kind: Flags.string({
      description: 'what the id is, when it could be several',
      options: ['visitor', 'member', 'customer', 'phone', 'email', 'wechat', 'lead', 'call', 'conversation', 'order'],
    }),
  }

  async run(): Promise<Reported<ProfileResult>> {
    const {args, flags} = await this.parse(ReportProfile)
    const {default: profile} = await import('../../reports/marketing/profile.js')
    return this.runReport(profile, flags, {id: args.id, kind: flags.kind as never})
  }
}
