import type {BuiltReport} from '../charts/html-report.js'
import type {ReportContext} from './contract.js'
import {buildReportSections, htmlReports} from './html.js'
import {closeRange, dataDays, kpiSummary} from './kpis.js'
import {rangeDays} from './range.js'
import type {Report} from './contract.js'

export interface ReportPage extends BuiltReport {
  /** The days reported (an open end of the range is the data's first or last day). */
  days: {first: string | null; last: string | null}
  /** `report[-site]-<first>_<last>.html` */
  fileName: string
}

/**
 * The HTML report people open (`ccx export report`, `ccx demo`): for the context's site and range — open ends closed
 * with the data's first and last day, so the title, the file name and the comparison name real days — KPI tiles
 * against the previous period of the same length, then every report's section.
 */
export async function buildReportPage(
  ctx: ReportContext,
  options: {title?: string; chartFormat?: 'png' | 'svg'; reports?: Report<never>[]} = {},
): Promise<ReportPage> {
  const {renderHtmlReport} = await import('../charts/html-report.js')
  const closed = closeRange(ctx.range, ctx.range.from && ctx.range.to ? null : await dataDays(ctx))
  if (closed) ctx = {...ctx, range: closed}
  const days = rangeDays(ctx.range)
  const kpis = closed ? await kpiSummary(ctx, closed) : null
  const span = (d: {first: string | null; last: string | null}) => (d.first === d.last ? (d.first ?? 'all data') : `${d.first ?? 'start'} – ${d.last ?? 'end'}`)
  const built = await renderHtmlReport(await buildReportSections(ctx, options.reports ?? (await htmlReports())), {
    title: options.title,
    site: ctx.site,
    chartFormat: options.chartFormat,
    rangeText: span(days),
    kpis: kpis ? {tiles: kpis.tiles, previousText: span(rangeDays(kpis.previous))} : undefined,
  })
  const fileName = `report-${ctx.site ? `${ctx.site.replace(/[^\p{L}\p{N}_.-]+/gu, '_')}-` : ''}${days.first ?? 'empty'}_${days.last ?? 'empty'}.html`
  return {...built, days, fileName}
}
