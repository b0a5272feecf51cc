import {terminalSafe} from '../format/safe.js'

/** Plain-text table for TTY output; numbers right-aligned, long cells cut. */
export function formatTable(rows: Record<string, unknown>[], columns?: string[], maxCell = 60): string {
  if (rows.length === 0) return '(no rows)'
  const cols = columns ?? Object.keys(rows[0])
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return ''
    if (v instanceof Date)
      return v
        .toISOString()
        .replace('T', ' ')
        .replace(/\.000Z$|Z$/, '')
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(4).replace(/0+$/, '').replace(/\.$/, '')
    if (typeof v === 'object') return JSON.stringify(v)
    const s = String(v)
    return s.length > maxCell ? s.slice(0, maxCell - 1) + '…' : s
  }
  // visitor text (ids, keywords, titles) reaches terminals here: control characters are shown, not acted on
  const heads = cols.map(terminalSafe)
  const body = rows.map((r) => cols.map((c) => terminalSafe(cell(r[c]))))
  const widths = heads.map((c, i) => Math.max(displayWidth(c), ...body.map((b) => displayWidth(b[i]))))
  const numeric = cols.map((c) => rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === 'number'))
  const pad = (s: string, i: number) => {
    const fill = ' '.repeat(Math.max(0, widths[i] - displayWidth(s)))
    return numeric[i] ? fill + s : s + fill
  }
  const lines = [heads.map(pad).join('  '), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map((b) => b.map(pad).join('  '))]
  return lines.join('\n')
}

/** CJK characters take two terminal columns. */
export function displayWidth(s: string): number {
  let w = 0
  for (const ch of s) {
    const code = ch.codePointAt(0)!
    w +=
      (code >= 0x1100 && code <= 0x115f) ||
      (code >= 0x2e80 && code <= 0xa4cf) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe30 && code <= 0xfe4f) ||
      (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6) ||
      (code >= 0x20000 && code <= 0x3fffd)
        ? 2
        : 1
  }
  return w
}
