import {Flags} from '@oclif/core'
import {ReportCommand, reportFlags} from '../../cli/report-runner.js'

export interface ExportReportResult {
  path: string
  bytes: number
  sections: Array<{source: string; title: string; charts: number; tables: number; error?: string}>
  /** Pipelines whose inputs changed since they ran (their sections may be out of date). */
  stale: string[]
}

export default class ExportReport extends ReportCommand<typeof ExportReport> {
  static description = `Write ONE self-contained HTML report (every chart and table; no script, no network needed) for a date range.

Each report (marketing, service, telesales) contributes its section, built as its command builds it, with the same
config (--config: script library, scoring, benchmarks). A report whose data is not loaded is noted; one that fails is
reported in place and does not stop the others. The database is opened read-only.`
  static examples = [
    '<%= config.bin %> export report --out reports/ --from 2026-11-01 --to 2026-11-30',
    '<%= config.bin %> export report --out reports/november.html',
    '<%= config.bin %> export report --from 7d --to yesterday --refresh',
  ]
  static flags = {
    from: reportFlags.from,
    to: reportFlags.to,
    refresh: reportFlags.refresh,
    wait: reportFlags.wait,
    out: Flags.string({description: 'folder (the file is named after the range) or a file ending in .html', default: 'reports/'}),
    title: Flags.string({description: 'report title', default: 'ccx report'}),
    charts: Flags.string({
      description:
        'png: charts drawn with the bundled CJK font (any machine shows Chinese); svg: smaller, needs a CJK font where it is read',
      options: ['png', 'svg'],
      default: 'png',
    }),
  }

  async run(): Promise<ExportReportResult> {
    const {flags} = await this.parse(ExportReport)
    const range = this.reportRange(flags) // fails early on a bad date
    const {htmlReports, buildReportSections} = await import('../../reports/html.js')
    const {renderHtmlReport} = await import('../../charts/html-report.js')
    const {rangeDays} = await import('../../reports/range.js')
    const {mkdirSync, writeFileSync} = await import('node:fs')
    const {dirname, join} = await import('node:path')
    const reports = await htmlReports()
    // a family with no data is noted in the page, not reported stale: every pipeline counts once it has run
    const {ctx, stale} = await this.openReport(flags, {
      tables: [],
      pipelines: [],
      optional: [...new Set(reports.flatMap((r) => [...r.needs.pipelines, ...(r.needs.optional ?? [])]))],
      cache: [...new Set(reports.flatMap((r) => r.needs.cache ?? []))],
    })
    const days = rangeDays(range)
    const built = await renderHtmlReport(await buildReportSections(ctx, reports), {
      title: flags.title,
      chartFormat: flags.charts as 'png' | 'svg',
      rangeText: `${days.first ?? 'start'} – ${days.last ?? 'end'}`,
    })
    const path = flags.out.toLowerCase().endsWith('.html')
      ? flags.out
      : join(flags.out, `report-${days.first ?? 'start'}_${days.last ?? 'end'}.html`)
    mkdirSync(dirname(path), {recursive: true})
    writeFileSync(path, built.html)
    for (const s of built.sections)
      this.progress(s.error ? `✗ ${s.source}: ${s.error}` : `✓ ${s.title}: ${s.charts} charts, ${s.tables} tables`)
    if (!this.jsonEnabled()) this.log(path)
    return {path, bytes: Buffer.byteLength(built.html), sections: built.sections, stale}
  }
}
