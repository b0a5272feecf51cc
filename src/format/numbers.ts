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
