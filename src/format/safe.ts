/**
 * Text from visitors (ids, keywords, titles, URLs — anyone can post them to /collect) is shown in terminals and
 * opened in spreadsheets. Two sanitisers make it inert there; every table and CSV writer calls them
 * (docs/serve.md, "Security").
 */

/**
 * Control characters a terminal would act on — C0 (ESC starts colour, cursor, title and clipboard sequences; CR, BS
 * and TAB rewrite the line), DEL, C1 (0x9b is a one-byte CSI) — and the bidirectional overrides and line separators
 * that reorder or break what is shown.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_FOR_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/** The text with each terminal control character shown as an escape (`\x1b`, `\u202e`): visible, never acted on. */
export function terminalSafe(text: string): string {
  UNSAFE_FOR_TERMINAL.lastIndex = 0
  if (!UNSAFE_FOR_TERMINAL.test(text)) return text
  return text.replace(UNSAFE_FOR_TERMINAL, (c) => {
    const code = c.charCodeAt(0)
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
  })
}

/** A cell a spreadsheet would read as a formula: starting with = + - @, or a tab or CR before one (OWASP). */
const FORMULA_START = /^[=+\-@\t\r]/
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

/**
 * A text cell for CSV: one that a spreadsheet would evaluate (`=HYPERLINK(...)`, `@SUM(...)`, `+cmd|...`) gets a
 * leading apostrophe, which Excel and LibreOffice show as text; plain numbers such as `-5` are left as they are.
 */
export function csvSafe(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text
}
