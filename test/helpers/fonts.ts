import {createRequire} from 'node:module'
import {fontCharacters} from '../../src/charts/font.js'

const require = createRequire(import.meta.url)
// subset-font's converter (WOFF2 → TrueType) reads the embedded font back
const fontverter = require('fontverter') as {convert: (font: Buffer, to: 'truetype') => Promise<Buffer>}

/** The characters of the WOFF2 data URL embedded in a page or an SVG (null when there is none). */
export async function embeddedCharacters(doc: string): Promise<Set<number> | null> {
  const m = /url\(data:font\/woff2;base64,([A-Za-z0-9+/=]+)\)/.exec(doc)
  return m ? fontCharacters(await fontverter.convert(Buffer.from(m[1], 'base64'), 'truetype')) : null
}

export async function woff2Characters(woff2: Buffer): Promise<Set<number>> {
  return fontCharacters(await fontverter.convert(woff2, 'truetype'))
}

/** Every character a reader sees in an HTML page (text, alt/aria-label/title values) beyond plain ASCII. */
export function shownCharacters(html: string): string[] {
  const text = html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]*>/g, (tag) => [...tag.matchAll(/(?:alt|aria-label|title)="([^"]*)"/g)].map((m) => ` ${m[1]} `).join(''))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
  return [...new Set(text)].filter((c) => c.codePointAt(0)! > 0x7e && !/\s/.test(c))
}

/** Characters shown that the embedded font lacks (they would show as boxes without a CJK font). */
export async function missingGlyphs(html: string): Promise<string[]> {
  const embedded = await embeddedCharacters(html)
  if (!embedded) return shownCharacters(html)
  return shownCharacters(html).filter((c) => !embedded.has(c.codePointAt(0)!))
}
