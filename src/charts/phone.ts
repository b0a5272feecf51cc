/**
 * The phone variant of a Vega-Lite spec: the same data and encodings laid out for a ~360 px screen, so its text is
 * drawn at full size instead of a desktop chart scaled down to a third. Side-by-side panels stack, legends go under
 * the plot, plot widths shrink and long titles wrap. The HTML report shows it below 600 px (src/charts/html-report.ts).
 */
export const PHONE_WIDTH = 360

type Json = Record<string, unknown>

export function phoneSpec(spec: object): Json {
  const s = structuredClone(spec) as Json
  const compound = isCompound(s)
  shrink(s, compound ? 200 : 220)
  const config = {...((s.config as Json) ?? {})}
  config.legend = {orient: 'bottom', direction: 'horizontal', columns: 2, ...((config.legend as Json) ?? {})}
  // long category names (keywords, URLs) are cut with an ellipsis rather than squeezing the plot; tooltips keep them
  config.axisY = {labelLimit: 120, ...((config.axisY as Json) ?? {})}
  // a panel's name above it, not beside it: the width goes to the plot
  config.header = {labelOrient: 'top', labelAnchor: 'start', labelAngle: 0, labelAlign: 'left', ...((config.header as Json) ?? {})}
  s.config = config
  return s
}

function isCompound(s: Json): boolean {
  const enc = (s.encoding as Json | undefined) ?? {}
  return Boolean(s.facet || s.hconcat || s.vconcat || s.concat || enc.row || enc.column)
}

/** Plot widths to `width` at most, side by side to stacked, titles wrapped; recursively through layers and concats. */
function shrink(node: unknown, width: number): void {
  if (Array.isArray(node)) {
    for (const n of node) shrink(n, width)
    return
  }
  if (!node || typeof node !== 'object') return
  const s = node as Json
  if (typeof s.width === 'number' && s.width > width) {
    // a heat map of many columns keeps a cell per column: scale its height with it
    s.width = width
  }
  if (s.hconcat) {
    s.vconcat = s.hconcat
    delete s.hconcat
  }
  const facet = s.facet as Json | undefined
  if (facet?.column && !facet.row) {
    facet.row = facet.column
    delete facet.column
  }
  const enc = s.encoding as Json | undefined
  if (enc?.column && !enc.row) {
    enc.row = enc.column
    delete enc.column
  }
  if (s.title !== undefined) s.title = wrapTitle(s.title)
  for (const [key, value] of Object.entries(s)) if (key !== 'data' && key !== 'title') shrink(value, width)
}

function wrapTitle(title: unknown): unknown {
  if (typeof title === 'string' || Array.isArray(title)) return wrapText(title)
  if (title && typeof title === 'object') {
    const t = {...(title as Json)}
    if (t.text !== undefined) t.text = wrapText(t.text as string | string[])
    if (t.subtitle !== undefined) t.subtitle = wrapText(t.subtitle as string | string[])
    return t
  }
  return title
}

/** Lines of at most ~44 characters (a Chinese character counts as two), broken at spaces where there are any. */
export function wrapText(text: string | string[], max = 44): string | string[] {
  const lines = (Array.isArray(text) ? text : [text]).flatMap((line) => wrapLine(String(line), max))
  return lines.length === 1 ? lines[0] : lines
}

function wrapLine(line: string, max: number): string[] {
  const width = (t: string) => [...t].reduce((a, ch) => a + (ch.codePointAt(0)! >= 0x2e80 ? 2 : 1), 0)
  if (width(line) <= max) return [line]
  const out: string[] = []
  let current = ''
  for (const word of line.split(/(?<=\s)/)) {
    if (current && width((current + word).trimEnd()) > max) {
      out.push(current.trimEnd())
      current = ''
    }
    current += word
    // one long word (a URL, Chinese text) is cut where it passes the limit
    while (width(current.trimEnd()) > max) {
      let cut = ''
      for (const ch of current) {
        if (width(cut + ch) > max) break
        cut += ch
      }
      out.push(cut)
      current = current.slice(cut.length).trimStart()
    }
  }
  if (current.trim()) out.push(current.trimEnd())
  return out
}
