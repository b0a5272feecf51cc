/**
 * A small JSON parser that remembers the line of every value, so validation errors can say
 * "line 42, stages[1].scripts[0].id" instead of only the path.
 */
export type JsonPath = Array<string | number>

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message)
  }
}

export interface LocatedJson {
  value: unknown
  /** Line (1-based) of the value at `path`, or of its nearest ancestor that exists. */
  lineOf: (path: ReadonlyArray<PropertyKey>) => number
}

export function parseJsonWithLines(text: string): LocatedJson {
  const lines = new Map<string, number>()
  let i = 0
  let line = 1
  let lineStart = 0

  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at line ${line}, column ${i - lineStart + 1}`, line, i - lineStart + 1)
  }
  const skip = () => {
    while (i < text.length) {
      const ch = text[i]
      if (ch === '\n') {
        line++
        i++
        lineStart = i
      } else if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\uFEFF') i++
      else break
    }
  }
  const key = (path: JsonPath) => JSON.stringify(path)

  const parseString = (): string => {
    const start = i
    i++ // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++
      if (text[i] === '\n') fail('unterminated string')
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

  const parseValue = (path: JsonPath): unknown => {
    skip()
    lines.set(key(path), line)
    const ch = text[i]
    if (ch === '{') {
      i++
      const out: Record<string, unknown> = {}
      skip()
      if (text[i] === '}') {
        i++
        return out
      }
      for (;;) {
        skip()
        if (text[i] !== '"') fail('expected a property name in double quotes')
        const keyLine = line
        const name = parseString()
        skip()
        if (text[i] !== ':') fail(`expected ':' after "${name}"`)
        i++
        out[name] = parseValue([...path, name])
        // A property's line is where its name is, which is what an editor shows.
        lines.set(key([...path, name]), keyLine)
        skip()
        if (text[i] === ',') {
          i++
          continue
        }
        if (text[i] === '}') {
          i++
          return out
        }
        fail("expected ',' or '}'")
      }
    }
    if (ch === '[') {
      i++
      const out: unknown[] = []
      skip()
      if (text[i] === ']') {
        i++
        return out
      }
      for (;;) {
        out.push(parseValue([...path, out.length]))
        skip()
        if (text[i] === ',') {
          i++
          continue
        }
        if (text[i] === ']') {
          i++
          return out
        }
        fail("expected ',' or ']'")
      }
    }
    if (ch === '"') return parseString()
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64))
    if (!m) return fail('unexpected character')
    i += m[0].length
    return JSON.parse(m[0])
  }

  const value = parseValue([])
  skip()
  if (i < text.length) fail('unexpected text after the end of the document')
  return {
    value,
    lineOf(path) {
      const p = path.map((x) => (typeof x === 'symbol' ? String(x) : x)) as JsonPath
      for (let n = p.length; n >= 0; n--) {
        const l = lines.get(key(p.slice(0, n)))
        if (l !== undefined) return l
      }
      return 1
    },
  }
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = ''
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`
  return out || '(root)'
}
