import {Flags} from '@oclif/core'
import {ReportCommand, reportFlags, type Reported} from '../../cli/report-runner.js'
import type {ExitsResult} from '../../reports/marketing/exits.js'

export default class ReportExits extends ReportCommand<typeof ReportExits> {
  static description = `Where visitors of each intent leave without an inquiry: sessions that ended with no chat request, left
message, inbound call, lead or order, by classified intent and exit page, with each page's share of the
intent's silent exits and its exit rate.

Formulas: docs/metrics.md "Marketing reports › Exits".`
  static examples = [
    '<%= config.bin %> report exits --from 2026-11-01 --to 2026-11-30',
    '<%= config.bin %> report exits --intent service_station --top 20',
    '<%= config.bin %> report exits --chart exits.svg --csv',
  ]
  static flags = {
    ...reportFlags,
    where: Flags.string({description: 'SQL condition on the session s.* and its intent si.intent, e.g. "s.device_type = \'mobile\'"'}),
    intent: Flags.string({description: 'only this intent'}),
    top: Flags.integer({description: 'exit pages shown per intent', default: 10}),
  }

  async run(): Promise<Reported<ExitsResult>> {
    const {flags} = await this.parse(ReportExits)
    const {default: exits} = await import('../../reports/marketing/exits.js')
    return this.runReport(exits, flags, {intent: flags.intent, top: flags.top, where: flags.where})
  }
}
