import {Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'

export interface ExportReportResult {
  path: string
  bytes: number
  sections: Array<{source: string; title: string; charts: number; tables: number; error?: string}>
}

export default class ExportReport extends DataCommand<typeof ExportReport> {
  static description = `Write ONE self-contained HTML report (every chart and table; no script, no network needed) for a date range.

Sections come from every module in src/charts/sections/ (marketing, scripts, service…); one that fails is
reported in place and does not stop the others.`
  static examples = [
    '<%= config.bin %> export report --out reports/ --from 2026-11-01 --to 2026-11-30',
    '<%= config.bin %> export report --out reports/november.html',
  ]
  static flags = {
    out: Flags.string({description: 'folder (the file is named after the range) or a file ending in .html', default: 'reports/'}),
    from: Flags.string({description: 'first day (YYYY-MM-DD), inclusive'}),
    to: Flags.string({description: 'last day (YYYY-MM-DD), inclusive'}),
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
    const {buildHtmlReport} = await import('../../charts/html-report.js')
    const {resolveRange} = await import('../../reports/common.js')
    const {mkdirSync, writeFileSync} = await import('node:fs')
    const {dirname, join} = await import('node:path')
    resolveRange(flags) // fails early on a bad date
    const store = await this.openStore(this.dbPath(flags.db))
    const built = await buildHtmlReport(
      store,
      {from: flags.from, to: flags.to},
      {title: flags.title, chartFormat: flags.charts as 'png' | 'svg', config: this.ccxConfig},
    )
    const path = flags.out.toLowerCase().endsWith('.html')
      ? flags.out
      : join(flags.out, `report-${flags.from ?? 'start'}_${flags.to ?? 'end'}.html`)
    mkdirSync(dirname(path), {recursive: true})
    writeFileSync(path, built.html)
    for (const s of built.sections)
      this.progress(s.error ? `✗ ${s.source}: ${s.error}` : `✓ ${s.title}: ${s.charts} charts, ${s.tables} tables`)
    if (!this.jsonEnabled()) this.log(path)
    return {path, bytes: Buffer.byteLength(built.html), sections: built.sections}
  }
}
