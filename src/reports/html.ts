import type {SectionsOf} from '../charts/html-report.js'
import type {Family, Report, ReportContext} from './contract.js'

/**
 * The HTML report (`ccx export report`, `ccx demo`): every report's section, in this order, built with the same
 * context (read-only store, the config passed in, the range) as the report commands.
 */
const HTML_REPORTS: Array<() => Promise<{default: Report<never>}>> = [
  () => import('./marketing/overview.js'),
  () => import('./marketing/funnel.js'),
  () => import('./marketing/keywords.js'),
  () => import('./marketing/sources.js'),
  () => import('./marketing/geo.js'),
  () => import('./marketing/exits.js'),
  () => import('./marketing/attribution.js'),
  () => import('./service/service.js'),
  () => import('./service/agents.js'),
  () => import('./service/layers.js'),
  () => import('./service/staffing.js'),
  () => import('./service/quality.js'),
  () => import('./service/survey.js'),
  () => import('./telesales/scripts.js'),
]

/** What each family needs loaded before its sections mean anything. */
const NO_DATA: Record<Family, string> = {
  marketing: 'No sessions: load probe events with `ccx ingest probe` and run `ccx run`.',
  service: 'No service facts: load calls or chats (`ccx ingest calls|chats`) and run `ccx run service`.',
  telesales: 'No script analysis: ingest calls and transcripts, then run `ccx run telesales`.',
}
const FAMILY_TITLE: Record<Family, string> = {marketing: 'Marketing', service: 'Service quality', telesales: 'Telesales scripts'}

/** The reports of the HTML page (their `needs` say what a refresh or a freshness check covers). */
export async function htmlReports(): Promise<Report<never>[]> {
  return Promise.all(HTML_REPORTS.map(async (load) => (await load()).default))
}

/**
 * Each report's sections; a report whose tables are not built is left out (one note per family says what to load),
 * one that fails is kept as an error in place.
 */
export async function buildReportSections(ctx: ReportContext, reports?: Report<never>[]): Promise<SectionsOf[]> {
  const out: SectionsOf[] = []
  const noted = new Set<Family>()
  for (const report of reports ?? (await htmlReports())) {
    if (!report.section) continue
    const family = report.id.split('/')[0] as Family
    const missing: string[] = []
    for (const t of report.needs.tables) if (!(await ctx.store.tableExists(t))) missing.push(t)
    if (missing.length > 0) {
      if (!noted.has(family)) {
        noted.add(family)
        out.push({source: family, sections: [{title: FAMILY_TITLE[family], description: NO_DATA[family], charts: [], tables: []}]})
      }
      continue
    }
    try {
      out.push({source: report.id, sections: await report.section(ctx)})
    } catch (error) {
      out.push({source: report.id, error: error instanceof Error ? error.message : String(error)})
    }
  }
  return out
}
