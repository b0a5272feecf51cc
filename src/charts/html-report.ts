import {duration, grouped, pValue, round} from '../format/numbers.js'
import {decodeXml, fontFaceCss, fontSubset} from './font.js'
import {chartToSvg, svgToPngImage} from './render.js'
import {PHONE_WIDTH, phoneSpec} from './phone.js'
import type {CellFormat, ReportSection} from './section.js'

/** One report's part of the page: its sections, or why it could not be built. */
export interface SectionsOf {
  /** Which report made them (e.g. marketing/funnel). */
  source: string
  sections?: ReportSection[]
  error?: string
}

export interface BuiltReport {
  html: string
  sections: Array<{source: string; title: string; charts: number; tables: number; error?: string}>
}

/** A KPI tile (src/reports/kpis.ts builds them; the page only shows them). */
export interface TileData {
  label: string
  kind: 'count' | 'share' | 'money'
  value: number | null
  previous: number | null
  change: number | null
  changeKind: 'relative' | 'points'
  higherIsBetter: boolean
}

export interface HtmlReportOptions {
  title?: string
  /** How the page names its range, e.g. "2026-11-01 – 2026-11-30". */
  rangeText?: string
  /** The site shown (`--site`), or undefined for all sites. */
  site?: string
  /** KPI tiles first, with the period they are compared with. */
  kpis?: {tiles: TileData[]; previousText: string}
  /** Rows shown per table (the rest is summarised). */
  maxRows?: number
  generatedAt?: Date
  /**
   * svg (default): inline SVG, text in the embedded font subset (sharp, selectable, small); png: images drawn with the
   * bundled font (for readers that block fonts).
   */
  chartFormat?: 'png' | 'svg'
}

/**
 * Renders one self-contained HTML page from sections the reports built (src/reports/html.ts): KPI tiles, charts
 * pre-rendered (inline SVG or PNG: no script, no network), compact tables formatted for people. The bundled Noto Sans
 * SC, cut to the characters the page uses, is embedded (WOFF2 data URL), so Chinese reads on a machine without a CJK
 * font; it prints and reads on a phone. A report that failed is shown in place. Render only: no database here.
 */
export async function renderHtmlReport(built: SectionsOf[], options: HtmlReportOptions = {}): Promise<BuiltReport> {
  const maxRows = options.maxRows ?? 50
  const parts: string[] = []
  const summary: BuiltReport['sections'] = []
  for (const part of built) {
    if (part.error !== undefined || !part.sections) {
      const message = part.error ?? 'no sections'
      summary.push({source: part.source, title: part.source, charts: 0, tables: 0, error: message})
      parts.push(
        `<section class="failed"><h2>${esc(part.source)}</h2><p class="error">This section could not be built: ${esc(message)}</p></section>`,
      )
      continue
    }
    for (const section of part.sections) {
      const body: string[] = [`<h2>${esc(section.title)}</h2>`]
      if (section.description) body.push(`<p class="description">${esc(section.description)}</p>`)
      let charts = 0
      for (const spec of section.charts) {
        try {
          const alt = chartTitle(spec) ?? section.title
          // a chart wider than a phone gets a phone layout of its own (shown below 600 px): text stays full size
          const wide = await chartHtml(spec, options.chartFormat, alt)
          const narrow = wide.width > PHONE_WIDTH + 20 ? await chartHtml(phoneSpec(spec), options.chartFormat, alt) : null
          body.push(
            narrow
              ? `<figure class="chart" role="img" aria-label="${esc(alt)}"><div class="v-wide">${wide.html}</div><div class="v-narrow">${narrow.html}</div></figure>`
              : `<figure class="chart" role="img" aria-label="${esc(alt)}">${wide.html}</figure>`,
          )
          charts++
        } catch (error) {
          body.push(`<p class="error">chart failed: ${esc(error instanceof Error ? error.message : String(error))}</p>`)
        }
      }
      for (const table of section.tables) body.push(tableHtml(table.title, table.rows, maxRows, table.formats, table.notes))
      summary.push({source: part.source, title: section.title, charts, tables: section.tables.length})
      parts.push(`<section>${body.join('\n')}</section>`)
    }
  }
  const title = options.title ?? 'ccx report'
  const rangeText = options.rangeText ?? 'all data'
  const scope = options.site ? `site ${options.site}` : 'all sites'
  const generated = (options.generatedAt ?? new Date()).toISOString().replace('T', ' ').slice(0, 19)
  const toc = summary.filter((s) => !s.error).map((s, i) => `<li><a href="#s${i}">${esc(s.title)}</a></li>`)
  let index = 0
  const anchored = parts.map((p) => (p.startsWith('<section>') ? p.replace('<section>', `<section id="s${index++}">`) : p))
  const tiles = options.kpis ? tilesHtml(options.kpis.tiles, options.kpis.previousText) : ''
  const page = (fontCss: string) => `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:">
<title>${esc(title)} · ${esc(scope)} · ${esc(rangeText)}</title>
<style>${fontCss}
${PAGE_CSS}
</style>
</head>
<body>
<header><h1>${esc(title)}</h1>
<p class="meta"><strong>${esc(rangeText)}</strong> · ${esc(scope)} · generated ${esc(generated)} UTC</p></header>
${tiles}
<nav aria-label="Sections"><ol>${toc.join('')}</ol></nav>
${anchored.join('\n')}
</body>
</html>
`
  const draft = page('')
  const html = page(fontFaceCss(await fontSubset(textOf(draft))))
  return {html, sections: summary}
}

const FONT_STACK = `"Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif`
const PAGE_CSS = `
:root{--ink:#1f2329;--muted:#646a73;--line:#e5e6eb;--up:#1a7f37;--down:#c62828;--bg:#f7f8fa}
*{box-sizing:border-box}
body{font:15px/1.55 ${FONT_STACK};margin:0 auto;max-width:1120px;color:var(--ink);padding:1.5rem 1.25rem 3rem}
h1{font-size:1.6rem;margin:0 0 .25rem}h2{font-size:1.2rem;margin:0 0 .5rem}.meta{color:var(--muted);margin:0 0 1rem}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(165px,1fr));gap:.75rem;margin:1rem 0 1.25rem;padding:0;list-style:none}
.tile{border:1px solid var(--line);border-radius:10px;padding:.7rem .85rem;background:#fff;break-inside:avoid}
.tile .label{color:var(--muted);font-size:.85rem}.tile .value{font-size:1.55rem;font-weight:600;font-variant-numeric:tabular-nums;line-height:1.3}
.tile .change{font-size:.8rem;color:var(--muted)}.tile .good{color:var(--up)}.tile .bad{color:var(--down)}
.compare{color:var(--muted);font-size:.85rem;margin:-.5rem 0 1rem}
nav ol{columns:2;margin:0 0 1rem;padding-left:1.25rem}nav a{color:#1664ff}
section{border-top:1px solid var(--line);padding:1.1rem 0}
.description{color:#3d434b;margin:.25rem 0 .75rem}
figure.chart{margin:.75rem 0;overflow-x:auto}figure.chart svg,figure.chart img{max-width:100%;height:auto;display:block}.v-narrow{display:none}
.table{overflow-x:auto;margin:.5rem 0 1rem;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;font-size:.85rem;min-width:50%}caption{text-align:left;font-weight:600;padding:.3rem 0;caption-side:top}
th,td{border-bottom:1px solid var(--line);padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:var(--bg);font-weight:600;white-space:nowrap}td.s{white-space:nowrap}td.w{min-width:14em}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tfoot td{color:var(--muted)}.notes{color:var(--muted);font-size:.8rem;margin:.25rem 0 0}.notes dt{font-weight:600;display:inline}.notes dd{display:inline;margin:0 .75rem 0 .25rem}
.error{color:#b00020}
@media (max-width:600px){body{padding:1rem .75rem 2rem;font-size:14px}.v-wide{display:none}.v-narrow{display:block}h1{font-size:1.3rem}nav ol{columns:1}
.tiles{grid-template-columns:1fr 1fr;gap:.5rem}.tile .value{font-size:1.25rem}table{font-size:.78rem}}
@media print{body{max-width:none;padding:0;font-size:11pt}nav{display:none}section{break-inside:auto}
figure.chart,.tile,table{break-inside:avoid}a{color:inherit;text-decoration:none}.table{overflow:visible}}
`

function tilesHtml(tiles: TileData[], previousText: string): string {
  const value = (t: TileData) => (t.value === null ? 'n/a' : t.kind === 'share' ? `${grouped(t.value * 100, 1)}%` : grouped(t.value, 0))
  const changeText = (t: TileData) => {
    if (t.change === null) return t.previous === null ? 'no figure before' : t.previous === 0 ? `${grouped(t.previous)} before` : 'n/a'
    const up = t.change > 0
    const arrow = t.change === 0 ? '=' : up ? '▲' : '▼'
    const amount = t.changeKind === 'points' ? `${grouped(Math.abs(t.change) * 100, 1)} pt` : `${grouped(Math.abs(t.change) * 100, 1)}%`
    return `${arrow} ${amount}`
  }
  const tone = (t: TileData) => (t.change === null || t.change === 0 ? '' : t.change > 0 === t.higherIsBetter ? 'good' : 'bad')
  const items = tiles.map(
    (t) =>
      `<li class="tile"><div class="label">${esc(t.label)}</div><div class="value">${esc(value(t))}</div>` +
      `<div class="change"><span class="${tone(t)}">${esc(changeText(t))}</span> vs ${esc(t.previous === null ? 'n/a' : t.kind === 'share' ? `${grouped(t.previous * 100, 1)}%` : grouped(t.previous, 0))}</div></li>`,
  )
  return `<ul class="tiles" aria-label="Key figures">${items.join('')}</ul>\n<p class="compare">Changes compare with the period of the same length just before: ${esc(previousText)} (counts as a relative change, shares in percentage points).</p>`
}

/** What a column means, shown under a table that has it. */
const COLUMN_NOTES: Record<string, string> = {
  lost: 'conversions the row would have had at the reference rate, minus those it had (0 when at or above it)',
  reference: 'what the rate is compared with: a benchmark figure (its source named) or the pooled industry',
  flag: 'below / above: the rate differs from the reference beyond chance (Benjamini–Hochberg at 5% FDR)',
  q_value: 'the p-value adjusted for the number of rows tested (Benjamini–Hochberg)',
  p_value: 'how likely a gap this large is by chance alone',
  ci_low: 'ci low – high: the 95% Wilson interval of the rate',
}

/** On a phone a narrow column wraps every short word onto its own line: short text stays on one line, long text keeps a readable width. */
function cellClass(number: boolean, text: string): string {
  if (number) return ' class="n"'
  return text.length <= 16 ? ' class="s"' : ' class="w"'
}

export function tableHtml(
  title: string,
  rows: Record<string, unknown>[],
  maxRows = 50,
  formats: Record<string, CellFormat> = {},
  notes: string[] = [],
): string {
  if (rows.length === 0)
    return `<div class="table"><table><caption>${esc(title)}</caption><tbody><tr><td>(no rows)</td></tr></tbody></table></div>`
  const cols = Object.keys(rows[0])
  const format = Object.fromEntries(cols.map((c) => [c, formats[c] ?? inferFormat(c, rows)])) as Record<string, CellFormat>
  const numeric = (c: string) => format[c] !== 'text'
  const head = cols.map((c) => `<th scope="col"${numeric(c) ? ' class="n"' : ''}>${esc(c.replaceAll('_', ' '))}</th>`).join('')
  const body = rows
    .slice(0, maxRows)
    .map(
      (r) =>
        `<tr>${cols.map((c) => `<td${cellClass(numeric(c) && typeof r[c] === 'number', formatCell(r[c], format[c]))}>${esc(formatCell(r[c], format[c]))}</td>`).join('')}</tr>`,
    )
    .join('\n')
  const more =
    rows.length > maxRows
      ? `<tfoot><tr><td colspan="${cols.length}">… ${grouped(rows.length - maxRows)} more rows (the command's --out or --json has them all)</td></tr></tfoot>`
      : ''
  const explained = cols.filter((c) => COLUMN_NOTES[c])
  const noteHtml =
    explained.length + notes.length > 0
      ? `<dl class="notes">${explained.map((c) => `<dt>${esc(c.replaceAll('_', ' '))}</dt><dd>${esc(COLUMN_NOTES[c])}</dd>`).join('')}${notes.map((n) => `<dd>${esc(n)}</dd>`).join('')}</dl>`
      : ''
  return `<div class="table"><table><caption>${esc(title)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody>${more}</table>${noteHtml}</div>`
}

/** A column's format from its name and values (a report may say it instead: ReportTable.formats). */
export function inferFormat(column: string, rows: Record<string, unknown>[]): CellFormat {
  const values = rows.map((r) => r[column]).filter((v) => v !== null && v !== undefined)
  if (values.length === 0 || !values.every((v) => typeof v === 'number')) return 'text'
  const nums = values as number[]
  const name = column.toLowerCase()
  if (/%$/.test(name)) return 'percentValue'
  if (/^(p|q)(_value)?$|(^|_)p$/.test(name)) return 'p'
  if (/(^|[_ ])(s|sec|seconds)$/.test(name)) return 'duration'
  const shareName = /(rate|share|ci_low|ci_high|acceptance|occupancy|service_level|success|top2|conversion)/.test(name)
  if (shareName && nums.every((v) => v >= -1 && v <= 1)) return 'percent'
  return nums.every((v) => Number.isInteger(v)) ? 'count' : 'number'
}

export function formatCell(v: unknown, format: CellFormat = 'text'): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'number') {
    switch (format) {
      case 'count':
        return grouped(v, 0)
      case 'percent':
        return `${grouped(v * 100, 1)}%`
      case 'percentValue':
        return `${grouped(v, 1)}%`
      case 'duration':
        return duration(v)
      case 'p':
        return pValue(v)
      case 'number':
        return grouped(v, Math.abs(v) >= 100 ? 0 : 2)
      case 'mixed':
        return grouped(v, Number.isInteger(v) || Math.abs(v) >= 100 ? 0 : 2)
      default:
        return Number.isInteger(v) ? String(v) : String(round(v, 4) ?? '')
    }
  }
  if (v instanceof Date) return v.toISOString().replace('T', ' ').slice(0, 19)
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

/** The characters a reader sees: text outside tags, and attribute values (alt, aria-label, title). */
function textOf(html: string): string {
  return decodeXml(
    html
      .replace(/<style[\s\S]*?<\/style>/g, '')
      .replace(/<[^>]*>/g, (tag) => [...tag.matchAll(/(?:alt|aria-label|title)="([^"]*)"/g)].map((m) => ` ${m[1]} `).join('')),
  )
}

/** One chart as inline SVG (or a PNG image) and its width in CSS pixels. */
async function chartHtml(spec: object, format: 'png' | 'svg' | undefined, alt: string): Promise<{html: string; width: number}> {
  const svg = await chartToSvg(spec)
  if (format === 'png') {
    const image = await svgToPngImage(svg, 2)
    return {
      html: `<img alt="${esc(alt)}" width="${image.width}" height="${image.height}" src="data:image/png;base64,${image.png.toString('base64')}">`,
      width: image.width,
    }
  }
  const width = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1] ?? 0)
  return {html: stripXmlProlog(svg), width}
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

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]!)
}
