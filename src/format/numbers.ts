/**
 * How reports show numbers: one definition for every table, chart caption and HTML section. Pure. A missing value
 * (null, undefined, NaN, ±Infinity) is "no data", never 0: the text forms print `empty`, the numeric forms give null.
 */

type Maybe = number | null | undefined

const present = (v: Maybe): v is number => v !== null && v !== undefined && Number.isFinite(v)

/** 0.1234 → "12.3%" (a share as a percent). */
export function percent(v: Maybe, digits = 1, empty = 'n/a'): string {
  return present(v) ? `${(v * 100).toFixed(digits)}%` : empty
}

/** A share as percent points, rounded, for table columns whose name says "%": 0.1234 → 12.3. */
export function percentValue(v: Maybe, digits = 1): number | null {
  return present(v) ? round(v * 100, digits) : null
}

/** A difference of two shares in percent points: 0.05 → "5.0 pt". */
export function points(v: Maybe, digits = 1, empty = 'n/a'): string {
  return present(v) ? `${(v * 100).toFixed(digits)} pt` : empty
}

/** Rounded to `digits` decimals (a number, for tables and JSON-like rows). */
export function round(v: Maybe, digits = 2): number | null {
  if (!present(v)) return null
  const f = 10 ** digits
  return Math.round(v * f) / f
}

/** Fixed decimals as text: 1.23456 → "1.23". */
export function fixed(v: Maybe, digits = 2, empty = 'n/a'): string {
  return present(v) ? v.toFixed(digits) : empty
}

/** Seconds with one decimal (a number): ASA, AHT, response times. */
export function seconds(v: Maybe): number | null {
  return round(v, 1)
}

/** An integer or a figure with thousands separators: 12345.6 → "12,346" (digits 0), "12,345.6" (digits 1). */
export function grouped(v: Maybe, digits = 0, empty = ''): string {
  if (!present(v)) return empty
  return v.toLocaleString('en-US', {minimumFractionDigits: digits, maximumFractionDigits: digits})
}

/** Seconds for people: 45 → "45 s", 93 → "1 min 33 s", 93204.5 → "25 h 53 min", 200000 → "2 d 7 h" (days from 48 h). */
export function duration(seconds: Maybe, empty = ''): string {
  if (!present(seconds)) return empty
  const sign = seconds < 0 ? '−' : ''
  const s = Math.abs(seconds)
  if (s < 10) return `${sign}${s.toFixed(1).replace(/\.0$/, '')} s`
  const total = Math.round(s)
  const d = total >= 172_800 ? Math.floor(total / 86400) : 0
  const h = Math.floor((total - d * 86400) / 3600)
  const m = Math.floor((total % 3600) / 60)
  const rest = total % 60
  if (d > 0) return `${sign}${d} d${h ? ` ${h} h` : ''}`
  if (h > 0) return `${sign}${h} h${m ? ` ${m} min` : ''}`
  if (m > 0) return `${sign}${m} min${rest ? ` ${rest} s` : ''}`
  return `${sign}${rest} s`
}

/** A p-value for people: "< 0.001" below a thousandth, else three decimals. */
export function pValue(v: Maybe, empty = ''): string {
  if (!present(v)) return empty
  return v < 0.001 ? '< 0.001' : v.toFixed(3)
}
