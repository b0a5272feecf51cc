import {CcxError, EXIT} from '../../errors.js'

export interface DateRange {
  /** Inclusive start, `YYYY-MM-DD[ HH:MM:SS]`. */
  from?: string
  /** Inclusive day `YYYY-MM-DD` or exclusive timestamp `YYYY-MM-DD HH:MM:SS`. */
  to?: string
}

const DAY = /^\d{4}-\d{2}-\d{2}$/
const STAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$/

/** SQL bounds [from, to): a bare `--to` day includes that whole day. */
export function rangeBounds(range: DateRange): {from: string | null; to: string | null} {
  const check = (v: string | undefined, flag: string): void => {
    if (v !== undefined && !DAY.test(v) && !STAMP.test(v)) {
      throw new CcxError(`--${flag} ${v}: not a date; use YYYY-MM-DD or "YYYY-MM-DD HH:MM:SS"`, {code: 'BAD_DATE', exit: EXIT.usage})
    }
  }
  check(range.from, 'from')
  check(range.to, 'to')
  let to: string | null = range.to ? range.to.replace('T', ' ') : null
  if (range.to && DAY.test(range.to)) {
    const d = new Date(`${range.to}T00:00:00Z`)
    d.setUTCDate(d.getUTCDate() + 1)
    to = d.toISOString().slice(0, 10) + ' 00:00:00'
  }
  const from = range.from ? (DAY.test(range.from) ? `${range.from} 00:00:00` : range.from.replace('T', ' ')) : null
  return {from, to}
}

/** DuckDB refuses named parameters the statement does not use: keep only the `$name`s that appear in `sql`. */
export function usedParams(sql: string, params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql)))
}
