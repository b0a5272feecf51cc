import {mkdirSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname} from 'node:path'
import {CcxError, EXIT} from '../errors.js'

/** The one font every chart uses: bundled, so Chinese labels render on a machine without CJK fonts. */
export const CHART_FONT_FAMILY = 'Noto Sans SC'
/** What the spec asks for: the bundled font first; browsers showing an inline SVG without it fall back to a system CJK sans. */
export const CHART_FONT_STACK = `${CHART_FONT_FAMILY}, PingFang SC, Microsoft YaHei, WenQuanYi Micro Hei, sans-serif`

export function chartFontFile(): string {
  const require = createRequire(import.meta.url)
  return require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf')
}

export type ChartFormat = 'vl.json' | 'svg' | 'png'

export function chartFormatOf(path: string): ChartFormat {
  const lower = path.toLowerCase()
  if (lower.endsWith('.vl.json') || lower.endsWith('.json')) return 'vl.json'
  if (lower.endsWith('.svg')) return 'svg'
  if (lower.endsWith('.png')) return 'png'
  throw new CcxError(`cannot tell the chart format of ${path}: use a name ending in .svg, .png or .vl.json`, {
    code: 'CHART_FORMAT',
    exit: EXIT.usage,
  })
}

/** Sets the bundled font on every text part of a Vega-Lite spec (keeps any config the spec already has). */
export function withChartFont(spec: object): Record<string, unknown> {
  const s = {...(spec as Record<string, unknown>)}
  const config = {...((s.config as Record<string, unknown>) ?? {})}
  config.font = CHART_FONT_STACK
  for (const part of ['axis', 'legend', 'title', 'header', 'text', 'mark']) {
    const existing = (config[part] as Record<string, unknown>) ?? {}
    if (part === 'axis' || part === 'legend' || part === 'header')
      config[part] = {labelFont: CHART_FONT_STACK, titleFont: CHART_FONT_STACK, ...existing}
    else if (part === 'title') config[part] = {font: CHART_FONT_STACK, subtitleFont: CHART_FONT_STACK, ...existing}
    else config[part] = {font: CHART_FONT_STACK, ...existing}
  }
  s.config = config
  if (!s.$schema) s.$schema = 'https://vega.github.io/schema/vega-lite/v6.json'
  if (s.background === undefined) s.background = 'white'
  return s
}

/** Compiles a Vega-Lite spec and renders it headless to an SVG string. */
export async function chartToSvg(spec: object): Promise<string> {
  const vl = await import('vega-lite')
  const vega = await import('vega')
  installTextWidth((vega as unknown as {textMetrics: TextMetrics}).textMetrics)
  const compiled = vl.compile(withChartFont(spec) as never).spec
  const view = new vega.View(vega.parse(compiled), {renderer: 'none'})
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}

interface TextMetrics {
  width: (item: {fontSize?: number; text?: unknown; limit?: number}, text?: unknown) => number
}

/**
 * Headless Vega has no canvas to measure text and guesses 0.8 em per character, which is too narrow for
 * Chinese (1 em each) and makes labels overlap axis titles. Widths per character class of Noto Sans SC instead.
 */
export function textWidthEm(text: string): number {
  let em = 0
  for (const ch of text) {
    const code = ch.codePointAt(0)!
    if (code >= 0x2e80) em += 1
    else if (/[A-Z]/.test(ch)) em += 0.66
    else if (/[mwMW@%]/.test(ch)) em += 0.85
    else if (/[ilj.,:;'|!]/.test(ch)) em += 0.28
    else if (ch === ' ') em += 0.25
    else em += 0.56
  }
  return em
}

let textWidthInstalled = false
function installTextWidth(metrics: TextMetrics): void {
  if (textWidthInstalled) return
  textWidthInstalled = true
  metrics.width = (item, text) => {
    const value = text ?? item.text
    const size = item.fontSize ?? 11
    const lines = Array.isArray(value) ? value.map(String) : [value == null ? '' : String(value)]
    return Math.ceil(Math.max(0, ...lines.map((l) => textWidthEm(l) * size)))
  }
}

/** Rasterises an SVG with resvg using only the bundled font (no system fonts: the output is the same everywhere). */
export async function svgToPng(svg: string, scale = 2): Promise<Buffer> {
  return (await svgToPngImage(svg, scale)).png
}

/** The PNG and its size in CSS pixels (the SVG's own size; the bitmap has `scale` times as many pixels). */
export async function svgToPngImage(svg: string, scale = 2): Promise<{png: Buffer; width: number; height: number}> {
  const {Resvg} = await import('@resvg/resvg-js')
  const resvg = new Resvg(svg, {
    fitTo: {mode: 'zoom', value: scale},
    background: 'white',
    font: {fontFiles: [chartFontFile()], loadSystemFonts: false, defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY},
  })
  return {png: resvg.render().asPng(), width: Math.round(resvg.width), height: Math.round(resvg.height)}
}

/** Writes a chart; the format follows the file name: .vl.json (the spec), .svg or .png. */
export async function writeChart(spec: object, path: string): Promise<void> {
  const format = chartFormatOf(path)
  mkdirSync(dirname(path), {recursive: true})
  if (format === 'vl.json') {
    writeFileSync(path, JSON.stringify(withChartFont(spec), null, 2) + '\n')
    return
  }
  const svg = await chartToSvg(spec)
  // an SVG file read on its own carries the font subset of its text (Chinese without a CJK font installed)
  if (format === 'svg') writeFileSync(path, await (await import('./font.js')).svgWithFont(svg))
  else writeFileSync(path, await svgToPng(svg))
}
