import {Flags} from '@oclif/core'
import {ReportCommand, reportFlags, type Reported} from '../../cli/report-runner.js'
import {CcxError, EXIT} from '../../errors.js'
import {CONTACT_KINDS, SERVICE_GROUPS, type ContactKind, type ServiceGroupBy} from '../../reports/service/groups.js'
import type {ServiceReport} from '../../reports/service/service.js'

export default class ReportService extends ReportCommand<typeof ReportService> {
  static description = `Service KPIs from call records and chats: offered, answered, abandoned (short abandons apart),
service level X% in Y seconds (of offered, of answered, excluding short abandons), ASA, AHT, chat first response and
reply time (bot time excluded), resolution, concurrency, occupancy (n/a without agent states), CSAT top-2-box and
response rate, first-contact resolution (no repeat contact within N days). Formulas: docs/metrics.md.`
  static examples = [
    '<%= config.bin %> report service --by day --from 2026-01-01 --to 2026-01-31',
    '<%= config.bin %> report service --by queue --kind call --sl-threshold 30 --json',
    '<%= config.bin %> report service --by hour --chart reports/service-level.svg',
  ]
  static flags = {
    ...reportFlags,
    by: Flags.string({description: 'group rows by', options: [...SERVICE_GROUPS], default: 'day'}),
    kind: Flags.string({description: 'only calls or only chats (default: both)', options: [...CONTACT_KINDS]}),
    'sl-threshold': Flags.integer({description: 'service-level threshold Y seconds; answered at exactly Y counts as within', default: 20}),
    'short-abandon': Flags.integer({description: 'abandons faster than this many seconds are short abandons', default: 5}),
    'repeat-days': Flags.integer({description: 'a contact is repeated when the customer comes back within N days', default: 7}),
  }

  async run(): Promise<Reported<ServiceReport>> {
    const {flags} = await this.parse(ReportService)
    if (flags['sl-threshold'] < 0 || flags['short-abandon'] < 0 || flags['repeat-days'] < 0) {
      throw new CcxError('--sl-threshold, --short-abandon and --repeat-days must be ≥ 0', {code: 'BAD_FLAG', exit: EXIT.usage})
    }
    const {default: service} = await import('../../reports/service/service.js')
    return this.runReport(service, flags, {
      by: flags.by as ServiceGroupBy,
      kind: flags.kind as ContactKind | undefined,
      thresholdS: flags['sl-threshold'],
      shortAbandonS: flags['short-abandon'],
      repeatDays: flags['repeat-days'],
    })
  }
}
