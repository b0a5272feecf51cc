import {Flags} from '@oclif/core'
import {ReportCommand, reportFlags, warehouseFlag, type Reported} from '../../cli/report-runner.js'
import type {FunnelResult} from '../../reports/marketing/funnel.js'

export default class ReportFunnel extends ReportCommand<typeof ReportFunnel> {
  static description = `Conversion funnel: traffic → inquiries → leads → orders (or your own stages), per visitor, session or customer (person).

Stage 1 must fall in --from/--to; each later stage counts when it happens within --window after stage 1
(--order ordered: at or after the previous stage). Breakdown values come from the unit's entry session.
Semantics and formulas: docs/metrics.md "Marketing reports".`
  static examples = [
    '<%= config.bin %> report funnel --from 2026-11-01 --to 2026-11-30',
    '<%= config.bin %> report funnel --by engine,keyword --unit session --window 7d --csv',
    '<%= config.bin %> report funnel --unit customer --by source',
    '<%= config.bin %> report funnel --stages "traffic,contact=chat_request|call_inbound,leads" --order any',
    `<%= config.bin %> report funnel --where "s.device_type = 'mobile'" --chart reports/funnel.png`,
  ]
  static flags = {
    ...reportFlags,
    ...warehouseFlag,
    stages: Flags.string({
      description:
        'comma-separated stages: presets (traffic, inquiries, leads, orders, chats, calls, messages, registrations, invitations, accepted), step types, or name=type1|type2',
    }),
    'stages-file': Flags.string({
      description: 'JSON file {"stages": [{"name", "types": [...]} | {"name", "where": "SQL on the step row"}]}',
      exclusive: ['stages'],
    }),
    unit: Flags.string({
      description: 'counting unit: visitor (id), session, or customer (a person of `ccx run identities`: all their devices and channels)',
      options: ['visitor', 'session', 'customer'],
      default: 'visitor',
    }),
    window: Flags.string({description: 'conversion window after stage 1 (e.g. 30m, 12h, 7d)', default: '30d'}),
    order: Flags.string({
      description:
        'ordered: each stage at or after the previous one (other steps may come between); any: all earlier stages anywhere in the window; independent: each stage on its own',
      options: ['ordered', 'any', 'independent'],
      default: 'ordered',
    }),
    by: Flags.string({
      description:
        'breakdown dimensions, comma-separated: source, engine, keyword, intent, province, city, device, landing, campaign, channel, day, week, month, …; a day, week or month breakdown lists every period in date order',
    }),
    where: Flags.string({description: 'SQL condition on the entry session s.* and its intent si.intent, e.g. "s.province = \'广东省\'"'}),
    limit: Flags.integer({description: 'breakdown groups shown, largest stage 1 first (default 50; not for a day/week/month breakdown)'}),
  }

  async run(): Promise<Reported<FunnelResult>> {
    const {flags} = await this.parse(ReportFunnel)
    const {default: funnel, parseStages, readStagesFile} = await import('../../reports/marketing/funnel.js')
    const {parseDimensions, parseDuration} = await import('../../reports/marketing/common.js')
    return this.runReport(funnel, flags, {
      stages: flags['stages-file'] ? readStagesFile(flags['stages-file']) : parseStages(flags.stages),
      unit: flags.unit as 'visitor' | 'session' | 'customer',
      windowS: parseDuration(flags.window, '--window'),
      order: flags.order as 'ordered' | 'any' | 'independent',
      breakdown: parseDimensions(flags.by),
      where: flags.where,
      limit: flags.limit,
    })
  }
}
