/** A JSON parse error with the line and column where it happened (1-based). */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message)
  }
}

export interface Position {
  line: number
  column: number
}

/**
 * Parses JSON and records where each value starts, keyed by its path ("scenarios.0.when.intent"), so a
 * validation error on a path can name the line. Strict JSON (no comments, no trailing commas).
 */
export function parseWithPositions(text: string): {value: unknown; positions: Map<string, Position>} {
  const positions = new Map<string, Position>()
  let i = 0
  let line = 1
  let lineStart = 0
  const pos = (): Position => ({line, column: i - lineStart + 1})
  const fail = (message: string): never => {
    throw new JsonSyntaxError(`${message} at line ${line}, column ${i - lineStart + 1}`, line, i - lineStart + 1)
  }
  const ws = () => {
    for (;;) {
      const c = text[i]
      if (c === '\n') {
        i++
        line++
        lineStart = i
      } else if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') i++
      else break
    }
  }
  const str = (): string => {
    if (text[i] !== '"') fail('expected a string')
    const start = i
    i++
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++
      else if (text[i] === '\n') fail('unterminated string')
      i++
    }
    if (i >= text.length) fail('unterminated string')
    i++
    try {
      return JSON.parse(text.slice(start, i)) as string
    } catch {
      return fail('invalid string escape')
    }
  }
  const value = (path: string): unknown => {
    ws()
    positions.set(path, pos())
    const c = text[i]
    const child = (k: string | number) => (path ? `${path}.${k}` : String(k))
    if (c === '{') {
      i++
      const out: Record<string, unknown> = {}
      ws()
      if (text[i] === '}') {
        i++
        return out
      }
      for (;;) {
        ws()
        const keyPos = pos()
        const key = str()
        ws()
        if (text[i] !== ':') fail(`expected ':' after "${key}"`)
        i++
        out[key] = value(child(key))
        // Point at the key rather than the value: "field X on line N" reads naturally either way.
        positions.set(child(key), keyPos)
        ws()
        if (text[i] === ',') {
          i++
          continue
        }
        if (text[i] === '}') {
          i++
          return out
        }
        fail(`expected ',' or '}'`)
      }
    }
    if (c === '[') {
      i++
      const out: unknown[] = []
      ws()
      if (text[i] === ']') {
        i++
        return out
      }
      for (;;) {
        out.push(value(child(out.length)))
        ws()
        if (text[i] === ',') {
          i++
          continue
        }
        if (text[i] === ']') {
          i++
          return out
        }
        fail(`expected ',' or ']'`)
      }
    }
    if (c === '"') return str()
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64))
    if (!m) return fail(c === undefined ? 'unexpected end of file' : `unexpected character '${c}'`)
    i += m[0].length
    return JSON.parse(m[0])
  }
  const result = value('')
  ws()
  if (i < text.length) fail('unexpected text after the end of the JSON value')
  return {value: result, positions}
}

/** The line of a path, or of its nearest ancestor that exists (a missing field is reported at its parent). */
export function lineOf(positions: Map<string, Position>, path: Array<string | number | symbol>): number {
  for (let n = path.length; n >= 0; n--) {
    const p = positions.get(path.slice(0, n).map(String).join('.'))
    if (p) return p.line
  }
  return 1
}

/** `stages[1].scripts[0].id` style, for messages that name a field. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = ''
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`
  return out || '(root)'
}

/** Parses JSON and answers "which line is this path on" — for validators of rule files. */
export function parseJsonWithLines(text: string): {value: unknown; lineOf: (path: ReadonlyArray<PropertyKey>) => number} {
  const {value, positions} = parseWithPositions(text)
  return {value, lineOf: (path) => lineOf(positions, [...path])}
}
