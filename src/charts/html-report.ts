import {existsSync, readdirSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import type {LoadedConfig} from '../config/load.js'
import type {Store} from '../store/store.js'
import {chartToSvg, svgToPngImage} from './render.js'
import type {ReportRange, ReportSection, SectionBuilder} from './section.js'

const SECTIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'sections')

export interface DiscoveredSection {
  /** File name without extension: sections are ordered by it (prefix with a number to choose a place). */
  name: string
  build: SectionBuilder
}

/** Finds every section module in src/charts/sections (dist/charts/sections after the build). */
export async function discoverSections(dir = SECTIONS_DIR): Promise<DiscoveredSection[]> {
  if (!existsSync(dir)) return []
  const byName = new Map<string, string>()
  for (const file of readdirSync(dir).sort()) {
    const m = /^(.*)\.(js|ts|mjs)$/.exec(file)
    if (!m || file.endsWith('.d.ts') || m[1].startsWith('_')) continue
    // dist holds only .js; in dev (tsx) only .ts: keep the first seen per name
    if (!byName.has(m[1])) byName.set(m[1], join(dir, file))
  }
  const found: DiscoveredSection[] = []
  for (const [name, path] of byName) {
    const mod = (await import(pathToFileURL(path).href)) as {default?: unknown}
    if (typeof mod.default === 'function') found.push({name, build: mod.default as SectionBuilder})
  }
  return found
}

export interface BuiltReport {
  html: string
  sections: Array<{source: string; title: string; charts: number; tables: number; error?: string}>
}

export interface HtmlReportOptions {
  /** The command's config (sections read their rule files from it). */
  config: LoadedConfig
  title?: string
  /** Rows shown per table (the rest is summarised). */
  maxRows?: number
  sections?: DiscoveredSection[]
  generatedAt?: Date
  /**
   * png (default): charts as inline PNG drawn with the bundled CJK font, so Chinese labels show on any machine;
   * svg: inline SVG (smaller, selectable text, but Chinese needs a CJK font on the reader's machine).
   */
  chartFormat?: 'png' | 'svg'
}

/**
 * Builds one self-contained HTML page: charts pre-rendered to inline SVG (no script, no network),
 * tables as HTML. A section that fails is reported in place, so one broken area does not sink the report.
 */
export async function buildHtmlReport(store: Store, range: ReportRange, options: HtmlReportOptions): Promise<BuiltReport> {
  const sections = options.sections ?? (await discoverSections())
  const maxRows = options.maxRows ?? 200
  const parts: string[] = []
  const summary: BuiltReport['sections'] = []
  for (const discovered of sections) {
    let built: ReportSection[]
    try {
      built = await discovered.build(store, range, options.config)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      summary.push({source: discovered.name, title: discovered.name, charts: 0, tables: 0, error: message})
      parts.push(
        `<section class="failed"><h2>${esc(discovered.name)}</h2><p class="error">This section could not be built: ${esc(message)}</p></section>`,
      )
      continue
    }
    for (const section of built) {
      const body: string[] = [`<h2>${esc(section.title)}</h2>`]
      if (section.description) body.push(`<p class="description">${esc(section.description)}</p>`)
      let charts = 0
      for (const spec of section.charts) {
        try {
          const svg = await chartToSvg(spec)
          if (options.chartFormat === 'svg') {
            body.push(`<figure class="chart">${stripXmlProlog(svg)}</figure>`)
          } else {
            const image = await svgToPngImage(svg, 2)
            const alt = chartTitle(spec) ?? section.title
            body.push(
              `<figure class="chart"><img alt="${esc(alt)}" width="${image.width}" height="${image.height}" src="data:image/png;base64,${image.png.toString('base64')}"></figure>`,
            )
          }
          charts++
        } catch (error) {
          body.push(`<p class="error">chart failed: ${esc(error instanceof Error ? error.message : String(error))}</p>`)
        }
      }
      for (const table of section.tables) body.push(tableHtml(table.title, table.rows, maxRows))
      summary.push({source: discovered.name, title: section.title, charts, tables: section.tables.length})
      parts.push(`<section>${body.join('\n')}</section>`)
    }
  }
  const title = options.title ?? 'ccx report'
  const rangeText = `${range.from ?? 'start'} – ${range.to ?? 'end'}`
  const generated = (options.generatedAt ?? new Date()).toISOString().replace('T', ' ').slice(0, 19)
  const toc = summary.filter((s) => !s.error).map((s, i) => `<li><a href="#s${i}">${esc(s.title)}</a></li>`)
  let index = 0
  const anchored = parts.map((p) => (p.startsWith('<section>') ? p.replace('<section>', `<section id="s${index++}">`) : p))
  const html = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)} ${esc(rangeText)}</title>
<style>
body{font-family:"Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}.meta{color:#666;margin-top:0}
section{border-top:1px solid #ddd;padding:1rem 0}
figure.chart{margin:1rem 0;overflow-x:auto}figure.chart svg,figure.chart img{max-width:100%;height:auto}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.85rem}caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid #ddd;padding:.25rem .5rem}th{background:#f4f6f8}td.n{text-align:right;font-variant-numeric:tabular-nums}
.error{color:#b00020}.description{color:#444}nav ol{columns:2}
</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="meta">Range: ${esc(rangeText)} · generated ${esc(generated)} UTC</p>
<nav><ol>${toc.join('')}</ol></nav>
${anchored.join('\n')}
</body>
</html>
`
  return {html, sections: summary}
}

function chartTitle(spec: object): string | undefined {
  const title = (spec as {title?: unknown}).title
  if (typeof title === 'string') return title
  if (title && typeof title === 'object' && typeof (title as {text?: unknown}).text === 'string') return (title as {text: string}).text
  return undefined
}

function stripXmlProlog(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '')
}

export function tableHtml(title: string, rows: Record<string, unknown>[], maxRows = 200): string {
  if (rows.length === 0) return `<table><caption>${esc(title)}</caption><tbody><tr><td>(no rows)</td></tr></tbody></table>`
  const cols = Object.keys(rows[0])
  const head = cols.map((c) => `<th>${esc(c)}</th>`).join('')
  const body = rows
    .slice(0, maxRows)
    .map(
      (r) =>
        `<tr>${cols.map((c) => (typeof r[c] === 'number' ? `<td class="n">${esc(formatCell(r[c]))}</td>` : `<td>${esc(formatCell(r[c]))}</td>`)).join('')}</tr>`,
    )
    .join('\n')
  const more =
    rows.length > maxRows
      ? `<tfoot><tr><td colspan="${cols.length}">… ${rows.length - maxRows} more rows (export the report table with --out for all)</td></tr></tfoot>`
      : ''
  return `<table><caption>${esc(title)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody>${more}</table>`
}

function formatCell(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (v instanceof Date) return v.toISOString().replace('T', ' ').slice(0, 19)
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 10000) / 10000)
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]!)
}
