import {Flags} from '@oclif/core'
import {ReportCommand, reportFlags, type Reported} from '../cli/report-runner.js'
import {CcxError, EXIT} from '../errors.js'
import type {StaffingResult} from '../reports/service/erlang.js'
import {CONTACT_KINDS, type ContactKind} from '../reports/service/groups.js'
import type {HistoryStaffing} from '../reports/service/staffing.js'

type FlagStaffing = StaffingResult & {
  mode: 'flags'
  kind: ContactKind
  contacts: number
  intervalMinutes: number
  ahtSeconds: number
  concurrency: number
}

export default class Staffing extends ReportCommand<typeof Staffing> {
  static description = `Agents needed for a service-level target (Erlang C, with maximum occupancy and shrinkage).
From flags (--calls or --chats per --interval, --aht) or, without them, from stored history: a typical week,
average volume per weekday × interval and the measured handle time. Chats account for concurrency: an agent holding
C chats at once is ⌊agents × C⌋ whole Erlang C servers (C may be fractional, e.g. a measured 1.6).
Shares (--target, --shrinkage, --max-occupancy) are written 0–1 (0.85), as a whole percent (85) or with % (85%, 1.5%).`
  static examples = [
    '<%= config.bin %> staffing --calls 100 --interval 30 --aht 180 --target 0.8 --threshold 20 --shrinkage 0.3 --max-occupancy 0.85',
    '<%= config.bin %> staffing --chats 60 --interval 30 --aht 600 --concurrency 2',
    '<%= config.bin %> staffing --kind call --from 2026-01-01 --to 2026-01-31 --chart reports/staffing.svg',
  ]
  static flags = {
    ...reportFlags,
    calls: Flags.integer({description: 'calls offered per interval (flag mode)', exclusive: ['chats']}),
    chats: Flags.integer({description: 'chats offered per interval (flag mode)', exclusive: ['calls']}),
    interval: Flags.integer({description: 'interval length in minutes', default: 30}),
    aht: Flags.integer({description: 'average handle time in seconds (history mode: overrides the measured one)'}),
    target: Flags.string({description: 'service-level target: a share (0.8) or percent (80, 80%)', default: '0.8'}),
    threshold: Flags.integer({description: 'service-level threshold Y seconds ("X% in Y s")', default: 20}),
    shrinkage: Flags.string({description: 'share of paid time not available (0.3 = 30%)', default: '0'}),
    'max-occupancy': Flags.string({description: 'upper bound on occupancy (traffic ÷ positions): 0.85, 85 or 85%', default: '0.85'}),
    concurrency: Flags.string({description: 'chats one agent handles at once, ≥ 1 (history mode default: measured)'}),
    kind: Flags.string({description: 'history mode: plan calls or chats', options: [...CONTACT_KINDS], default: 'call'}),
  }

  async run(): Promise<FlagStaffing | Reported<HistoryStaffing>> {
    const {flags} = await this.parse(Staffing)
    this.reportRange(flags) // one date parser for every report: a bad --from/--to is exit 2 in either mode
    const target = parseShare(flags.target, 'target', {min: 'exclusive', max: 'exclusive'})
    const shrinkage = parseShare(flags.shrinkage, 'shrinkage', {min: 'inclusive', max: 'exclusive'})
    const maxOccupancy = parseShare(flags['max-occupancy'], 'max-occupancy', {min: 'exclusive', max: 'inclusive'})
    const kind: ContactKind = flags.calls !== undefined ? 'call' : flags.chats !== undefined ? 'chat' : (flags.kind as ContactKind)
    const concurrency = flags.concurrency === undefined ? undefined : Number(flags.concurrency)
    if (concurrency !== undefined && !(concurrency >= 1 && Number.isFinite(concurrency)))
      throw new CcxError(`--concurrency ${flags.concurrency}: must be a number ≥ 1`, {code: 'BAD_FLAG', exit: EXIT.usage})
    if (concurrency !== undefined && kind === 'call')
      throw new CcxError('--concurrency applies to chats (--chats, or --kind chat); a call agent takes one call at a time', {
        code: 'BAD_FLAG',
        exit: EXIT.usage,
      })
    if (!(flags.interval > 0)) throw new CcxError('--interval must be a positive number of minutes', {code: 'BAD_FLAG', exit: EXIT.usage})
    if (flags.threshold < 0) throw new CcxError(`--threshold ${flags.threshold}: must be ≥ 0 seconds`, {code: 'BAD_FLAG', exit: EXIT.usage})
    if (flags.aht !== undefined && flags.aht <= 0)
      throw new CcxError(`--aht ${flags.aht}: must be > 0 seconds`, {code: 'BAD_FLAG', exit: EXIT.usage})

    if (flags.calls !== undefined || flags.chats !== undefined) {
      const contacts = (flags.calls ?? flags.chats)!
      if (contacts < 0)
        throw new CcxError(`--${kind}s ${contacts}: must be ≥ 0 contacts per interval`, {code: 'BAD_FLAG', exit: EXIT.usage})
      if (flags.aht === undefined)
        throw new CcxError('--aht (seconds, > 0) is needed with --calls/--chats', {code: 'BAD_FLAG', exit: EXIT.usage})
      const {staffing} = await import('../reports/service/erlang.js')
      const c = concurrency ?? 1
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
      const out: FlagStaffing = {
        mode: 'flags',
        kind,
        contacts,
        intervalMinutes: flags.interval,
        ahtSeconds: flags.aht,
        concurrency: c,
        ...result,
      }
      const rows = [
        {measure: 'traffic (Erlangs)', value: result.trafficErlangs},
        {measure: 'agents needed', value: result.agents},
        {measure: `agents to schedule (shrinkage ${shrinkage})`, value: result.scheduled},
        {measure: 'positions (Erlang C servers)', value: result.positions},
        {measure: 'probability of waiting', value: result.probabilityOfWaiting},
        {measure: `service level (${flags.threshold} s)`, value: result.serviceLevel},
        {measure: 'ASA (s)', value: result.asaSeconds},
        {measure: 'occupancy', value: result.occupancy},
        {measure: 'limited by', value: result.limitedBy},
      ]
      await this.checkOutputs(flags)
      await this.present(out, {id: 'service/staffing', rows: () => rows, charts: () => []}, flags)
      return out
    }

    const {default: plan} = await import('../reports/service/staffing.js')
    return this.runReport(plan, flags, {
      kind,
      intervalMinutes: flags.interval,
      target,
      thresholdS: flags.threshold,
      shrinkage,
      maxOccupancy,
      concurrency,
      ahtS: flags.aht,
    })
  }
}

/**
 * A share flag: 0–1 as a share (0.85), a whole number 2–100 as a percent (85), or any percent with a % sign (1.5%).
 * Anything else is refused rather than guessed: 1.5 could mean 150% (impossible) or 1.5%.
 */
export function parseShare(raw: string, flag: string, bounds: {min: 'inclusive' | 'exclusive'; max: 'inclusive' | 'exclusive'}): number {
  const text = raw.trim()
  const isPercent = text.endsWith('%')
  const n = Number(isPercent ? text.slice(0, -1) : text)
  let v: number | undefined
  if (text !== '' && Number.isFinite(n)) {
    if (isPercent) v = n >= 0 && n <= 100 ? n / 100 : undefined
    else if (n >= 0 && n <= 1) v = n
    else if (Number.isInteger(n) && n > 1 && n <= 100) v = n / 100
  }
  const range = `${bounds.min === 'inclusive' ? '0' : 'above 0'} and ${bounds.max === 'inclusive' ? 'at most 1 (100%)' : 'below 1 (100%)'}`
  if (v === undefined || (bounds.min === 'exclusive' ? v <= 0 : v < 0) || (bounds.max === 'exclusive' ? v >= 1 : v > 1)) {
    throw new CcxError(`--${flag} ${raw}: not a share ${range}`, {
      code: 'BAD_FLAG',
      exit: EXIT.usage,
      suggestions: [
        `Write a share as 0–1 (0.85), a whole percent (85) or a percent with % (85%, 1.5%); ${raw} is ${Number.isFinite(n) && !isPercent && n > 1 && n < 100 ? `ambiguous (${n}% or ${n * 100}%?)` : 'out of range'}.`,
      ],
    })
  }
  return v
}
