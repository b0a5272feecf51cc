import {CcxError, EXIT} from '../../errors.js'
import {readSql, renderSql, type Store} from '../../store/store.js'
import {ratio} from '../../stats/summary.js'
import {percent} from '../../format/numbers.js'
import {requireTables} from '../common.js'
import {defineReport, rangeOptions, type Row} from '../contract.js'
import {sqlRange, type DateRange} from '../range.js'
import {numOrNull} from './common.js'
import {shortDuration, touchesCte} from './person.js'

/** Channels of a step (person/touches.sql): web visits, chats by channel, inbound and outbound calls. */
export const PATH_CONVERSIONS = ['order', 'lead'] as const
export type PathConversion = (typeof PATH_CONVERSIONS)[number]

export interface PathsOptions extends DateRange {
  site?: string
  conversion?: PathConversion
  /** Seconds after a person's entry in which the conversion counts (and touches are taken from). */
  windowS?: number
  /** Steps kept per path (the last ones, nearest the conversion). */
  maxSteps?: number
  /** Paths listed (most conversions first). */
  limit?: number
}

export interface PathRow {
  /** e.g. "web → chat → call"; "… → " in front when earlier steps were cut (--max-steps). */
  path: string
  steps: string[]
  /** Persons whose path this is (converted or not). */
  persons: number
  /** Of them, those who converted (their path ends in the conversion). */
  converted: number
  /** converted / persons. */
  conversion: number | null
  /** converted / all converted persons. */
  share_of_conversions: number | null
  /** Median seconds from each step to the next, the last to the conversion (converted persons only). */
  median_gap_s: Array<number | null>
  /** Median seconds from the first step to the conversion. */
  median_s_to_conversion: number | null
}

export interface PathsResult {
  from: string
  to: string
  conversion: PathConversion
  window_s: number
  max_steps: number
  /** Persons with a touch in the range. */
  persons: number
  converted: number
  conversion_rate: number | null
  /** Persons with a conversion in the range but no touch in it before that conversion (in no path). */
  converted_without_touch: number
  paths: PathRow[]
  paths_dropped: number
}

export const DEFAULT_PATH_WINDOW_S = 30 * 86400
export const DEFAULT_MAX_STEPS = 6

export async function pathsReport(store: Store, options: PathsOptions = {}): Promise<PathsResult> {
  await requireTables(store, ['sessions', 'events', 'customer_ids'])
  const conversion = options.conversion ?? 'order'
  if (!PATH_CONVERSIONS.includes(conversion)) {
    throw new CcxError(`--conversion ${conversion}: use order or lead`, {code: 'BAD_FLAG', exit: EXIT.usage})
  }
  const windowS = Math.round(options.windowS ?? DEFAULT_PATH_WINDOW_S)
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new CcxError(`--max-steps ${maxSteps}: give a whole number ≥ 1`, {code: 'BAD_FLAG', exit: EXIT.usage})
  }
  const range = sqlRange(options)
  const vars = {touches: touchesCte({site: options.site}), conversion, window_s: windowS, max_steps: maxSteps}
  const rows = await store.all(renderSql(readSql(import.meta.url, 'paths.sql'), vars), range)
  const outside = await store.scalar<number>(renderSql(readSql(import.meta.url, 'paths_outside.sql'), vars), range)
  const persons = rows.reduce((a, r) => a + Number(r.persons), 0)
  const converted = rows.reduce((a, r) => a + Number(r.converted), 0)
  const limit = options.limit ?? 20
  const paths: PathRow[] = rows.slice(0, limit).map((r) => ({
    path: String(r.path),
    steps: (r.channels as string[]).map(String),
    persons: Number(r.persons),
    converted: Number(r.converted),
    conversion: ratio(Number(r.converted), Number(r.persons)),
    share_of_conversions: ratio(Number(r.converted), converted),
    median_gap_s: ((r.median_gap_s as unknown[] | null) ?? []).map(numOrNull),
    median_s_to_conversion: numOrNull(r.median_s_to_conversion),
  }))
  return {
    from: range.from,
    to: range.to,
    conversion,
    window_s: windowS,
    max_steps: maxSteps,
    persons,
    converted,
    conversion_rate: ratio(converted, persons),
    converted_without_touch: Number(outside ?? 0),
    paths,
    paths_dropped: Math.max(0, rows.length - paths.length),
  }
}

/** The path with the conversion at its end and the median time of each hop: "web →(3m 30s) chat →(9h 38m) order". */
export function timedPath(p: PathRow, conversion: string): string {
  if (p.converted === 0) return p.path
  const prefix = p.path.startsWith('… → ') ? '… → ' : ''
  const parts = p.steps.map((s, i) => `${s} →(${shortDuration(p.median_gap_s[i]) || '?'})`)
  return `${prefix}${parts.join(' ')} ${conversion}`
}

export function pathsRows(result: PathsResult): Row[] {
  return result.paths.map((p) => ({
    path: p.path,
    persons: p.persons,
    converted: p.converted,
    conversion: p.conversion,
    share_of_conversions: p.share_of_conversions,
    median_to_conversion: shortDuration(p.median_s_to_conversion),
    timed: timedPath(p, result.conversion),
  }))
}

/** Vega-Lite: persons per path, converted and not. */
export function pathsChart(result: PathsResult): object {
  const values = result.paths.flatMap((p) => [
    {path: p.path, outcome: `${result.conversion}`, persons: p.converted},
    {path: p.path, outcome: `no ${result.conversion}`, persons: p.persons - p.converted},
  ])
  return {
    title: `Channel paths before ${result.conversion === 'order' ? 'an order' : 'a lead'} (persons)`,
    data: {values},
    width: 480,
    mark: 'bar',
    encoding: {
      y: {field: 'path', type: 'nominal', sort: null, title: null},
      x: {field: 'persons', type: 'quantitative', title: 'persons', stack: 'zero'},
      color: {field: 'outcome', type: 'nominal', sort: [result.conversion], title: null},
      tooltip: [{field: 'path'}, {field: 'outcome'}, {field: 'persons'}],
    },
  }
}

function summaryLine(r: PathsResult): string {
  return (
    `${r.persons} persons with a touch, ${r.converted} with ${r.conversion === 'order' ? 'an order' : 'a lead'} within ${r.window_s / 86400} d ` +
    `(${percent(r.conversion_rate)}); ${r.converted_without_touch} converted without a touch in the range`
  )
}

/** `ccx report paths`: the channel sequences persons take before a lead or an order. */
export default defineReport<PathsOptions, PathsResult>({
  id: 'marketing/paths',
  title: 'Channel paths',
  needs: {tables: ['sessions', 'events', 'customers', 'customer_ids'], pipelines: ['normalize', 'identities']},
  run: (ctx, options) => pathsReport(ctx.store, options),
  rows: pathsRows,
  text: (result) => [
    {
      lines: [summaryLine(result)],
      rows: pathsRows(result).map((r) => ({...r, conversion: percent(r.conversion as number | null), share_of_conversions: percent(r.share_of_conversions as number | null)})),
      columns: ['path', 'persons', 'converted', 'conversion', 'share_of_conversions', 'median_to_conversion', 'timed'],
    },
  ],
  charts: (result) => [pathsChart(result)],
  notes: (result) => (result.paths_dropped > 0 ? [`${result.paths_dropped} rarer paths not shown (--limit)`] : []),
  async section(ctx) {
    const result = await pathsReport(ctx.store, {...rangeOptions(ctx), limit: 15})
    return [
      {
        title: 'Channel paths before an order',
        description: summaryLine(result),
        charts: result.paths.length ? [pathsChart(result)] : [],
        tables: [{title: 'Paths (most orders first)', rows: pathsRows(result)}],
      },
    ]
  },
})
