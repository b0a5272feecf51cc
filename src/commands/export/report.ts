import {Flags} from '@oclif/core'
import {ReportCommand, reportFlags} from '../../cli/report-runner.js'

export interface ExportReportResult {
  path: string
  bytes: number
  /** The days reported (an open end is the data's first or last day). */
  range: {first: string | null; last: string | null}
  site: string | null
  sections: Array<{source: string; title: string; charts: number; tables: number; error?: string}>
  /** Pipelines whose inputs changed since they ran (their sections may be out of date). */
  stale: string[]
}

export default class ExportReport extends ReportCommand<typeof ExportReport> {
  static description = `Write ONE self-contained HTML report for a site and a date range: KPI tiles with the change against the
previous period of the same length, every chart and table (no script, no network; the Chinese font it needs is embedded).

Each report (marketing, service, telesales) contributes its section, built as its command builds it, with the same
config (--config: script library, scoring, benchmarks). A report whose data is not loaded is noted; one that fails is
reported in place and does not stop the others. The database is opened read-only. Without --from/--to the range is
all the data, or yesterday when run by a scheduled job (CCX_JOB set); the file is named after the site and the days.`
  static examples = [
    '<%= config.bin %> export report --site canon --from 2026-11-01 --to 2026-11-30',
    '<%= config.bin %> export report --out reports/november.html',
    '<%= config.bin %> export report --from 7d --to yesterday --refresh',
  ]
  static flags = {
    from: reportFlags.from,
    to: reportFlags.to,
    site: reportFlags.site,
    refresh: reportFlags.refresh,
    wait: reportFlags.wait,
    out: Flags.string({description: 'folder (the file is named after the range) or a file ending in .html', default: 'reports/'}),
    title: Flags.string({description: 'report title', default: 'ccx report'}),
    charts: Flags.string({
      description: 'svg: inline, text in the embedded font subset; png: images drawn with the bundled font',
      options: ['png', 'svg'],
      default: 'svg',
    }),
  }

  async run(): Promise<ExportReportResult> {
    const {flags} = await this.parse(ExportReport)
    // a nightly job reports on the day before; by hand, all the data
    const scheduled = Boolean(process.env.CCX_JOB) && flags.from === undefined && flags.to === undefined
    const rangeFlags = scheduled ? {...flags, from: 'yesterday', to: 'yesterday'} : flags
    const range = this.reportRange(rangeFlags) // fails early on a bad date
    const {htmlReports} = await import('../../reports/html.js')
    const {buildReportPage} = await import('../../reports/page.js')
    const {mkdirSync, writeFileSync} = await import('node:fs')
    const {dirname, join} = await import('node:path')
    const reports = await htmlReports()
    // a family with no data is noted in the page, not reported stale: every pipeline counts once it has run
    const {ctx, stale} = await this.openReport(rangeFlags, {
      tables: [],
      pipelines: [],
      optional: [...new Set(reports.flatMap((r) => [...r.needs.pipelines, ...(r.needs.optional ?? [])]))],
      cache: [...new Set(reports.flatMap((r) => r.needs.cache ?? []))],
    })
    const page = await buildReportPage(
      {...ctx, range, site: flags.site},
      {title: flags.title, chartFormat: flags.charts as 'png' | 'svg', reports},
    )
    const path = flags.out.toLowerCase().endsWith('.html') ? flags.out : join(flags.out, page.fileName)
    mkdirSync(dirname(path), {recursive: true})
    writeFileSync(path, page.html)
    for (const s of page.sections)
      this.progress(s.error ? `✗ ${s.source}: ${s.error}` : `✓ ${s.title}: ${s.charts} charts, ${s.tables} tables`)
    if (!this.jsonEnabled()) this.log(path)
    return {path, bytes: Buffer.byteLength(page.html), range: page.days, site: flags.site ?? null, sections: page.sections, stale}
  }
}
