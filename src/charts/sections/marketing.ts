import type {LoadedConfig} from '../../config/load.js'
import type {Store} from '../../store/store.js'
import type {ReportRange, ReportSection} from '../section.js'

/** Marketing part of the HTML report: the funnel, the funnel by source, keywords against benchmarks (overview, sources, geo, exits and attribution: marketing-more.ts). */
export default async function marketingSections(store: Store, range: ReportRange, config: LoadedConfig): Promise<ReportSection[]> {
  const {funnelReport, funnelRows, funnelChart} = await import('../../reports/marketing/funnel.js')
  const {keywordReport, keywordChart, KEYWORD_TABLE_COLUMNS} = await import('../../reports/marketing/keywords.js')
  const {loadBenchmarks, defaultBenchmarksPath} = await import('../../reports/marketing/benchmarks.js')
  const sections: ReportSection[] = []

  const funnel = await funnelReport(store, range)
  const bySource = await funnelReport(store, {...range, breakdown: ['source'], limit: 10})
  sections.push({
    title: 'Funnel: traffic → inquiries → leads → orders',
    description: `Visitors, ordered stages, ${funnel.window_s / 86400}-day window after the first visit of the range.`,
    charts: [funnelChart(funnel), funnelChart(bySource)],
    tables: [
      {title: 'Funnel', rows: funnelRows(funnel)},
      {title: 'Funnel by source (top 10)', rows: funnelRows(bySource)},
    ],
  })

  const keywords = await keywordReport(store, {...range, benchmarks: loadBenchmarks(defaultBenchmarksPath(config))})
  if (keywords.rows.length > 0) {
    const pick = (r: Record<string, unknown>) => Object.fromEntries(KEYWORD_TABLE_COLUMNS.map((c) => [c, r[c]]))
    sections.push({
      title: 'Keywords against industry benchmarks',
      description:
        'Lead rate per keyword with its 95% Wilson interval; flags from an exact binomial or two-proportion z-test with Benjamini–Hochberg at 5% FDR; ranked by leads lost against the reference.',
      charts: [keywordChart(keywords, 25)],
      tables: [
        {
          title: 'Keywords (top 50 by leads lost)',
          rows: keywords.rows.slice(0, 50).map((r) => pick(r as unknown as Record<string, unknown>)),
        },
      ],
    })
  }
  return sections
}
