import {readFileSync} from 'node:fs'
import {chartFontFile} from './render.js'

/**
 * The bundled Noto Sans SC, cut down to the characters a page or a chart uses and embedded in it (WOFF2, base64), so
 * Chinese reads on a machine with no CJK font. The whole font is 10 MB; a report page uses a few hundred characters.
 */
export const EMBEDDED_FONT_FAMILY = 'Noto Sans SC'

/** Printable ASCII and the common CJK punctuation are always in: numbers and units change between runs. */
const ALWAYS = Array.from({length: 95}, (_, i) => String.fromCharCode(32 + i)).join('') + '，。、：；！？（）《》「」“”‘’—…·×−–▲▼≥≤%‰¥'

let fontBytes: Buffer | undefined

/** The WOFF2 subset holding every character of `text` that the font has. */
export async function fontSubset(text: string): Promise<Buffer> {
  const {default: subsetFont} = await import('subset-font')
  fontBytes ??= readFileSync(chartFontFile())
  const chars = [...new Set(ALWAYS + text)].filter((c) => c.codePointAt(0)! >= 32).join('')
  return subsetFont(fontBytes, chars, {targetFormat: 'woff2'})
}

/** The @font-face rule that makes `family` the subset (a data: URL: no network). */
export function fontFaceCss(woff2: Buffer, family = EMBEDDED_FONT_FAMILY): string {
  return `@font-face{font-family:"${family}";src:url(data:font/woff2;base64,${woff2.toString('base64')}) format("woff2");font-display:block}`
}

/** An SVG with the subset of its own text embedded (a chart file that reads anywhere on its own). */
export async function svgWithFont(svg: string): Promise<string> {
  const text = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => decodeXml(m[1])).join('')
  const css = fontFaceCss(await fontSubset(text))
  return svg.replace(/<svg\b[^>]*>/, (open) => `${open}<defs><style>${css}</style></defs>`)
}

/** `&lt;`, `&#x4f73;`… as the characters they stand for. */
export function decodeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (whole, e: string) => {
    const named: Record<string, string> = {lt: '<', gt: '>', amp: '&', quot: '"', apos: "'"}
    if (named[e.toLowerCase()]) return named[e.toLowerCase()]
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)
    return Number.isFinite(code) ? String.fromCodePoint(code) : whole
  })
}

/** The code points a TrueType/OpenType font maps to a glyph (its cmap: formats 4 and 12). */
export function fontCharacters(sfnt: Buffer): Set<number> {
  const numTables = sfnt.readUInt16BE(4)
  let cmap = -1
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16
    if (sfnt.toString('latin1', rec, rec + 4) === 'cmap') cmap = sfnt.readUInt32BE(rec + 8)
  }
  if (cmap < 0) throw new Error('font has no cmap table')
  const chars = new Set<number>()
  const subtables = sfnt.readUInt16BE(cmap + 2)
  for (let i = 0; i < subtables; i++) {
    const at = cmap + sfnt.readUInt32BE(cmap + 4 + i * 8 + 4)
    const format = sfnt.readUInt16BE(at)
    if (format === 12) {
      const groups = sfnt.readUInt32BE(at + 12)
      for (let g = 0; g < groups; g++) {
        const start = sfnt.readUInt32BE(at + 16 + g * 12)
        const end = sfnt.readUInt32BE(at + 20 + g * 12)
        const glyph = sfnt.readUInt32BE(at + 24 + g * 12)
        for (let c = start; c <= end; c++) if (glyph + (c - start) !== 0) chars.add(c)
      }
    } else if (format === 4) {
      const segs = sfnt.readUInt16BE(at + 6) / 2
      const ends = at + 14
      const starts = ends + segs * 2 + 2
      const deltas = starts + segs * 2
      const offsets = deltas + segs * 2
      for (let s = 0; s < segs; s++) {
        const start = sfnt.readUInt16BE(starts + s * 2)
        const end = sfnt.readUInt16BE(ends + s * 2)
        const delta = sfnt.readInt16BE(deltas + s * 2)
        const offset = sfnt.readUInt16BE(offsets + s * 2)
        for (let c = start; c <= end && c !== 0xffff; c++) {
          let glyph: number
          if (offset === 0) glyph = (c + delta) & 0xffff
          else {
            const raw = sfnt.readUInt16BE(offsets + s * 2 + offset + (c - start) * 2)
            glyph = raw === 0 ? 0 : (raw + delta) & 0xffff
          }
          if (glyph !== 0) chars.add(c)
        }
      }
    }
  }
  return chars
}
