import {CcxError, EXIT} from '../../errors.js'
import {readSql, renderSql, type Store} from '../../store/store.js'
import {ratio} from '../../stats/summary.js'
import {sqlString} from '../../store/values.js'
import {requireTables, siteFilter} from '../common.js'
import {sqlRange, type DateRange} from '../range.js'
import {defineReport, type Row} from '../contract.js'
import {num} from './common.js'

export interface HeatmapOptions extends DateRange {
  /** Rows of the table: the grid cells (default) or the most clicked selectors. */
  selectors?: boolean
  site?: string
  /** Cell size in pixels. */
  bin?: number
  /** Selectors listed (most clicked first). */
  topSelectors?: number
}

export interface HeatmapCell {
  x0: number
  y0: number
  x1: number
  y1: number
  clicks: number
  /** clicks ÷ clicks with coordinates */
  share: number | null
}

export interface HeatmapResult {
  url: string
  from: string
  to: string
  bin: number
  /** click events on the page */
  clicks: number
  /** of those, clicks with x and y */
  located: number
  cells: HeatmapCell[]
  selectors: Array<{selector: string; clicks: number; share: number | null}>
}

/**
 * Which events.url a --url matches: `*` is a wildcard; a URL without `?` or `#` also matches the same page
 * with any query string or fragment.
 */
export function urlCondition(url: string): string {
  if (url.includes('*')) return `url like ${sqlString(url.replaceAll('%', '\\%').replaceAll('_', '\\_').replaceAll('*', '%'))} escape '\\'`
  if (/[?#]/.test(url)) return `url = ${sqlString(url)}`
  return `regexp_replace(url, '[?#].*$', '') = ${sqlString(url)}`
}

export async function heatmapReport(store: Store, url: string, options: HeatmapOptions = {}): Promise<HeatmapResult> {
  await requireTables(store, ['events'])
  const bin = options.bin ?? 50
  if (!Number.isInteger(bin) || bin < 1) throw new CcxError(`--bin ${bin} must be a whole number of pixels ≥ 1`, {code: 'BAD_BIN', exit: EXIT.usage})
  const range = sqlRange(options)
  const sql = renderSql(readSql(import.meta.url, 'heatmap.sql'), {site_filter: siteFilter(options.site), url_match: urlCondition(url), bin})
  const rows = await store.all(sql, range)
  const located = num(rows.find((r) => r.part === 'located')?.clicks)
  const clicks = num(rows.find((r) => r.part === 'total')?.clicks)
  if (clicks === 0) {
    const pages = await store.all<{url: string; n: number}>(`select url, count(*) as n from events where type = 'click' and ${siteFilter(options.site)} group by url order by n desc limit 5`)
    throw new CcxError(`no click events on ${url} between ${range.from} and ${range.to}`, {
      code: 'NO_CLICKS',
      exit: EXIT.failure,
      suggestions: pages.length ? [`Pages with the most clicks: ${pages.map((p) => `${p.url} (${p.n})`).join(', ')}`, 'Use * as a wildcard, e.g. --url "https://example.com/products/*".'] : ['The probe recorded no click events.'],
    })
  }
  const cells = rows
    .filter((r) => r.part === 'cell')
    .map((r) => ({x0: num(r.x0), y0: num(r.y0), x1: num(r.x0) + bin, y1: num(r.y0) + bin, clicks: num(r.clicks), share: ratio(num(r.clicks), located)}))
    .sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0)
  const selectors = rows
    .filter((r) => r.part === 'selector')
    .map((r) => ({selector: String(r.selector), clicks: num(r.clicks), share: ratio(num(r.clicks), clicks)}))
    .sort((a, b) => b.clicks - a.clicks || a.selector.localeCompare(b.selector))
    .slice(0, options.topSelectors ?? 15)
  return {url, from: range.from, to: range.to, bin, clicks, located, cells, selectors}
}

/** Vega-Lite heatmap in page coordinates (y grows downwards, as on the screen). */
export function heatmapChart(result: HeatmapResult): object {
  const maxX = Math.max(...result.cells.map((c) => c.x1), result.bin)
  const maxY = Math.max(...result.cells.map((c) => c.y1), result.bin)
  const width = 480
  return {
    title: {text: `Click density: ${result.url}`, subtitle: `${result.located} clicks in ${result.bin}px cells`},
    data: {values: result.cells},
    width,
    height: Math.max(120, Math.min(900, Math.round((width * maxY) / maxX))),
    mark: {type: 'rect'},
    encoding: {
      x: {field: 'x0', type: 'quantitative', title: 'x (px)', scale: {domain: [0, maxX]}},
      x2: {field: 'x1'},
      y: {field: 'y0', type: 'quantitative', title: 'y (px)', scale: {domain: [0, maxY], reverse: true}},
      y2: {field: 'y1'},
      color: {field: 'clicks', type: 'quantitative', scale: {scheme: 'inferno', reverse: true}, title: 'clicks'},
      tooltip: [{field: 'x0', title: 'x'}, {field: 'y0', title: 'y'}, {field: 'clicks'}, {field: 'share', format: '.1%'}],
    },
  }
}

/** `ccx report heatmap --url URL`: click density on one page. */
export default defineReport<HeatmapOptions & {url: string}, HeatmapResult & {view: 'cells' | 'selectors'}>({
  id: 'marketing/heatmap',
  title: 'Click heatmap',
  needs: {tables: ['events'], pipelines: ['normalize']},
  run: async (ctx, options) => ({...(await heatmapReport(ctx.store, options.url, options)), view: options.selectors ? 'selectors' : 'cells'}),
  rows: (result) => (result.view === 'selectors' ? result.selectors : result.cells) as unknown as Row[],
  text: (result) => [
    {
      lines: [`${result.clicks} clicks on ${result.url} (${result.located} with coordinates), ${result.bin}px cells`],
      rows: (result.view === 'selectors' ? result.selectors : result.cells) as unknown as Row[],
    },
  ],
  charts: (result) => [heatmapChart(result)],
})
