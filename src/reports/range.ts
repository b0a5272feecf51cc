import {CcxError, EXIT} from '../errors.js'

/**
 * The one parser of `--from`/`--to` for every report (and `export report`, `staffing`, `scripts recommend`).
 *
 * Accepted: a calendar day `YYYY-MM-DD`; a time `YYYY-MM-DD HH:MM[:SS]` (or with `T`); and the relative days
 * `today`, `yesterday` and `Nd` (N days before today), taken in the configured time zone (config `timezone`, the zone of
 * the stored naive timestamps). `--from` starts at its day or time; `--to` as a day (or relative day) includes that
 * whole day, as a time it is exclusive. Anything else, an impossible date (2026-02-30) or a range that ends before it
 * starts is a usage error (exit 2).
 */

export interface DateRange {
  from?: string
  to?: string
}

/** [from, to) as `YYYY-MM-DD HH:MM:SS`; null where the range is open. */
export interface ResolvedRange {
  from: string | null
  to: string | null
}

export interface RangeOptions {
  /** IANA zone that "today" is taken in (default UTC). */
  timeZone?: string
  now?: Date
}

const FORMS = 'YYYY-MM-DD, "YYYY-MM-DD HH:MM[:SS]", today, yesterday or Nd (N days ago)'
const ABSOLUTE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/
const RELATIVE = /^(?:(today)|(yesterday)|(\d{1,5})d)$/

/** Open ends as the bounds the marketing SQL compares with (it has no null checks). */
export const OPEN_FROM = '1970-01-01 00:00:00'
export const OPEN_TO = '9999-12-31 00:00:00'

export function parseRange(range: DateRange, options: RangeOptions = {}): ResolvedRange {
  const from = range.from === undefined ? null : parseBound(range.from, '--from', false, options)
  const to = range.to === undefined ? null : parseBound(range.to, '--to', true, options)
  if (from !== null && to !== null && from >= to) {
    throw new CcxError(`--from ${range.from} is not before --to ${range.to}: the range is empty`, {
      code: 'BAD_DATE',
      exit: EXIT.usage,
      suggestions: ['--to as a day includes that day: --from 2026-11-01 --to 2026-11-01 is one day.'],
    })
  }
  return {from, to}
}

/** parseRange with the open ends filled in (what the marketing SQL binds). */
export function sqlRange(range: DateRange, options: RangeOptions = {}): {from: string; to: string} {
  const r = parseRange(range, options)
  return {from: r.from ?? OPEN_FROM, to: r.to ?? OPEN_TO}
}

/** The calendar day `now` falls on in `timeZone`. */
export function dayIn(timeZone: string, now: Date): string {
  try {
    return new Intl.DateTimeFormat('en-CA', {timeZone, year: 'numeric', month: '2-digit', day: '2-digit'}).format(now)
  } catch {
    throw new CcxError(`time zone "${timeZone}" (config timezone) is not an IANA time zone`, {
      code: 'BAD_TIMEZONE',
      exit: EXIT.invalidConfig,
      suggestions: ['Use a name such as Asia/Shanghai or UTC.'],
    })
  }
}

function parseBound(raw: string, flag: string, isEnd: boolean, options: RangeOptions): string {
  const value = raw.trim().toLowerCase()
  const rel = RELATIVE.exec(value)
  if (rel) {
    const back = rel[1] ? 0 : rel[2] ? 1 : Number(rel[3])
    const day = addDays(dayIn(options.timeZone ?? 'UTC', options.now ?? new Date()), -back)
    return isEnd ? `${addDays(day, 1)} 00:00:00` : `${day} 00:00:00`
  }
  const m = ABSOLUTE.exec(value)
  if (!m) {
    throw new CcxError(`${flag} ${raw} is not a date: use ${FORMS}`, {code: 'BAD_DATE', exit: EXIT.usage})
  }
  const day = `${m[1]}-${m[2]}-${m[3]}`
  const check = new Date(`${day}T00:00:00Z`)
  if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== day) {
    throw new CcxError(`${flag} ${raw} is not a calendar date`, {code: 'BAD_DATE', exit: EXIT.usage, suggestions: [`Use ${FORMS}.`]})
  }
  if (m[4] === undefined) return isEnd ? `${addDays(day, 1)} 00:00:00` : `${day} 00:00:00`
  const [h, min, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)]
  if (h > 23 || min > 59 || s > 59) {
    throw new CcxError(`${flag} ${raw} is not a time of day`, {code: 'BAD_DATE', exit: EXIT.usage, suggestions: [`Use ${FORMS}.`]})
  }
  return `${day} ${m[4]}:${m[5]}:${m[6] ?? '00'}`
}

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

/** The days a range covers, for titles and file names: [first day, last day] (null where open). */
export function rangeDays(range: ResolvedRange): {first: string | null; last: string | null} {
  const last = range.to === null ? null : range.to.endsWith(' 00:00:00') ? addDays(range.to.slice(0, 10), -1) : range.to.slice(0, 10)
  return {first: range.from?.slice(0, 10) ?? null, last}
}
