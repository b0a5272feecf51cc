import {Flags} from '@oclif/core'
import {DataCommand} from '../cli/base-command.js'
import {CcxError, EXIT} from '../errors.js'
import type {StaffingResult} from '../reports/service/erlang.js'
import type {StaffingPlan} from '../reports/service/staffing.js'

type FlagStaffing = StaffingResult & {
  mode: 'flags'
  kind: 'call' | 'chat'
  contacts: number
  intervalMinutes: number
  ahtSeconds: number
  concurrency: number
}
type HistoryStaffing = StaffingPlan & {mode: 'history'; peak: StaffingPlan['rows'][number] | null}

export default class Staffing extends DataCommand<typeof Staffing> {
  static description = `Agents needed for a service-level target (Erlang C, with maximum occupancy and shrinkage).
From flags (--calls or --chats per --interval, --aht) or, without them, from stored history: a typical week,
average volume per weekday × interval and the measured handle time. Chats account for concurrency.`
  static examples = [
    '<%= config.bin %> staffing --calls 100 --interval 30 --aht 180 --target 0.8 --threshold 20 --shrinkage 0.3 --max-occupancy 0.85',
    '<%= config.bin %> staffing --chats 60 --interval 30 --aht 600 --concurrency 2',
    '<%= config.bin %> staffing --kind call --from 2026-01-01 --to 2026-01-31 --chart reports/staffing.svg',
  ]
  static flags = {
    calls: Flags.integer({description: 'calls offered per interval (flag mode)', exclusive: ['chats']}),
    chats: Flags.integer({description: 'chats offered per interval (flag mode)', exclusive: ['calls']}),
    interval: Flags.integer({description: 'interval length in minutes', default: 30}),
    aht: Flags.integer({description: 'average handle time in seconds (history mode: overrides the measured one)'}),
    target: Flags.string({description: 'service-level target as a share (0.8) or percent (80)', default: '0.8'}),
    threshold: Flags.integer({description: 'service-level threshold Y seconds ("X% in Y s")', default: 20}),
    shrinkage: Flags.string({description: 'share of paid time not available (0.3 = 30%)', default: '0'}),
    'max-occupancy': Flags.string({description: 'upper bound on occupancy (traffic ÷ agents)', default: '0.85'}),
    concurrency: Flags.string({description: 'chats one agent handles at once (history mode default: measured)'}),
    kind: Flags.string({description: 'history mode: plan calls or chats', options: ['call', 'chat'], default: 'call'}),
    from: Flags.string({description: 'history from (YYYY-MM-DD)'}),
    to: Flags.string({description: 'history to, inclusive (YYYY-MM-DD)'}),
    site: Flags.string({description: 'only this site'}),
    chart: Flags.string({description: 'write a chart of agents per weekday × interval (.vl.json, .svg, .png)'}),
  }

  async run(): Promise<FlagStaffing | HistoryStaffing> {
    const {flags} = await this.parse(Staffing)
    const target = share(flags.target, 'target')
    const shrinkage = share(flags.shrinkage, 'shrinkage', true)
    const maxOccupancy = share(flags['max-occupancy'], 'max-occupancy')
    const concurrency = flags.concurrency === undefined ? undefined : Number(flags.concurrency)
    if (concurrency !== undefined && !(concurrency >= 1))
      throw new CcxError(`--concurrency ${flags.concurrency}: must be a number ≥ 1`, {code: 'BAD_FLAG', exit: EXIT.usage})
    if (!(flags.interval > 0)) throw new CcxError('--interval must be a positive number of minutes', {code: 'BAD_FLAG', exit: EXIT.usage})

    if (flags.calls !== undefined || flags.chats !== undefined) {
      if (flags.aht === undefined || flags.aht <= 0)
        throw new CcxError('--aht (seconds, > 0) is needed with --calls/--chats', {code: 'BAD_FLAG', exit: EXIT.usage})
      const {staffing} = await import('../reports/service/erlang.js')
      const kind = flags.chats === undefined ? 'call' : 'chat'
      const contacts = (flags.calls ?? flags.chats)!
      const c = kind === 'chat' ? (concurrency ?? 1) : 1
      const result = staffing({
        contacts,
        intervalSeconds: flags.interval * 60,
        ahtSeconds: flags.aht,
        target,
        thresholdSeconds: flags.threshold,
        shrinkage,
        maxOccupancy,
        concurrency: c,
      })
      this.table([
        {measure: 'traffic (Erlangs)', value: result.trafficErlangs},
        {measure: 'agents needed', value: result.agents},
        {measure: `agents to schedule (shrinkage ${shrinkage})`, value: result.scheduled},
        {measure: 'probability of waiting', value: result.probabilityOfWaiting},
        {measure: `service level (${flags.threshold} s)`, value: result.serviceLevel},
        {measure: 'ASA (s)', value: result.asaSeconds},
        {measure: 'occupancy', value: result.occupancy},
        {measure: 'limited by', value: result.limitedBy},
      ])
      return {mode: 'flags', kind, contacts, intervalMinutes: flags.interval, ahtSeconds: flags.aht, concurrency: c, ...result}
    }

    const store = await this.openStore(this.dbPath(flags.db))
    const {ensureServiceFacts} = await import('../reports/service/service.js')
    const {staffingFromHistory} = await import('../reports/service/staffing.js')
    await ensureServiceFacts(store, this.ccxConfig, (m) => this.progress(m))
    const plan = await staffingFromHistory(store, {
      kind: flags.kind as 'call' | 'chat',
      intervalMinutes: flags.interval,
      target,
      thresholdS: flags.threshold,
      shrinkage,
      maxOccupancy,
      concurrency,
      ahtS: flags.aht,
      from: flags.from,
      to: flags.to,
      site: flags.site,
    })
    if (plan.rows.length === 0)
      this.progress('no contacts in the chosen range: nothing to plan (ingest calls/chats first, or use --calls/--chats)')
    const peak = plan.rows.reduce<StaffingPlan['rows'][number] | null>((p, r) => (p === null || r.scheduled > p.scheduled ? r : p), null)
    const days = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
    this.table(
      plan.rows.map((r) => ({
        day: days[r.weekday],
        interval: r.interval,
        contacts: r.contacts,
        'aht s': r.ahtSeconds,
        erlangs: r.trafficErlangs,
        agents: r.agents,
        scheduled: r.scheduled,
        sl: r.serviceLevel,
        'asa s': r.asaSeconds,
        occupancy: r.occupancy,
      })),
    )
    if (flags.chart) {
      const {staffingChart} = await import('../reports/service/charts.js')
      const {writeServiceChart} = await import('../reports/service/charts.js')
      await writeServiceChart(staffingChart(plan), flags.chart)
      this.progress(`chart written: ${flags.chart}`)
    }
    return {mode: 'history', ...plan, peak}
  }
}

function share(raw: string, flag: string, allowZero = false): number {
  let v = Number(raw)
  if (Number.isFinite(v) && v > 1 && v <= 100) v = v / 100
  if (!Number.isFinite(v) || v < 0 || v > 1 || (!allowZero && v === 0)) {
    throw new CcxError(`--${flag} ${raw}: not a share; use e.g. 0.8 or 80`, {code: 'BAD_FLAG', exit: EXIT.usage})
  }
  return v
}
