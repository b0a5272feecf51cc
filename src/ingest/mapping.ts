import {readFileSync} from 'node:fs'
import {CcxError, EXIT} from '../errors.js'
import {canonicalValue} from '../vocab/values.js'
import type {FieldSpec, SourceSpec} from '../vocab/sources.js'

/**
 * How a field of a source gets its value from a file (docs/formats.md "Column mapping"): a column, a DuckDB SQL
 * expression over columns, a constant, a date column combined with a time column, or explicitly nothing. Columns
 * and expressions may carry null markers, a value map for coded columns and a timestamp format.
 */
export type FieldMapping =
  | {kind: 'column'; column: string; nulls?: string[]; values?: Record<string, string | null>; format?: string}
  | {kind: 'expr'; expr: string; nulls?: string[]; values?: Record<string, string | null>; format?: string}
  | {kind: 'const'; value: string | number | boolean}
  /** date + time columns; a list names columns to try in order (the first non-empty one). */
  | {kind: 'datetime'; date: string[]; time: string[]; dateFormat?: string; timeFormat?: string; after?: string; nulls?: string[]}
  | {kind: 'none'}

/** Where a mapping entry came from, for error messages: `--map` or `FILE:LINE`. */
export type Origin = string

export interface RowFilter {
  /** Counted under this name in the summary. */
  name: string
  /** DuckDB SQL condition over the file's columns: rows where it is true are skipped (`filtered`). */
  where: string
  origin: Origin
}

export interface Mapping {
  fields: Record<string, FieldMapping & {origin: Origin}>
  /** Null markers for every column (besides the empty cell). */
  nulls: string[]
  filters: RowFilter[]
  /** Default timestamp format of the file's timestamp fields (`--ts-format`, `$ts_format`). */
  tsFormat?: string
}

export function emptyMapping(): Mapping {
  return {fields: {}, nulls: [], filters: []}
}

const usage = (message: string, suggestions: string[] = []) => new CcxError(message, {code: 'BAD_MAP', exit: EXIT.usage, suggestions})
const invalid = (message: string, suggestions: string[] = []) =>
  new CcxError(message, {code: 'MAP_FILE', exit: EXIT.invalidConfig, suggestions})

/** Mapping errors are usage errors on the command line (exit 2) and invalid-file errors in a mapping file (exit 6). */
export function mappingError(origin: Origin, message: string, suggestions: string[] = []): CcxError {
  return origin === '--map' ? usage(`--map: ${message}`, suggestions) : invalid(`${origin}: ${message}`, suggestions)
}

/** Splits on `sep` outside quotes and parentheses (expressions hold commas). */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = []
  let depth = 0
  let quote: string | null = null
  let cur = ''
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = null
    } else if (ch === "'" || ch === '"') quote = ch
    else if (ch === '(') depth++
    else if (ch === ')') depth = Math.max(0, depth - 1)
    else if (ch === sep && depth === 0) {
      out.push(cur)
      cur = ''
      continue
    }
    cur += ch
  }
  out.push(cur)
  return out
}

/**
 * One `--map` value: `field=column`, `field=` (not mapped: no match by name), `field='text'` (a constant) or
 * `field=(expression)` (DuckDB SQL over the file's columns). Several pairs separated by commas.
 */
export function parseMapPair(pair: string, origin: Origin): [string, FieldMapping] {
  const eq = pair.indexOf('=')
  if (eq <= 0) throw mappingError(origin, `"${pair.trim()}" is not field=column`, ['Example: --map call_id=CallID,offered_at="Start Time"'])
  const field = pair.slice(0, eq).trim()
  const rhs = pair.slice(eq + 1).trim()
  if (rhs === '') return [field, {kind: 'none'}]
  if (/^'.*'$/s.test(rhs)) return [field, {kind: 'const', value: rhs.slice(1, -1).replaceAll("''", "'")}]
  if (/^\(.*\)$/s.test(rhs)) return [field, {kind: 'expr', expr: rhs.slice(1, -1).trim()}]
  return [field, {kind: 'column', column: rhs.replace(/^"(.*)"$/s, '$1')}]
}

/** `--map` values (repeatable, comma-separated pairs); later pairs win. */
export function parseMapArgs(values: string[]): Mapping {
  const mapping = emptyMapping()
  for (const value of values) {
    for (const pair of splitTop(value, ',')) {
      if (pair.trim() === '') continue
      const [field, m] = parseMapPair(pair, '--map')
      mapping.fields[field] = {...m, origin: '--map'}
    }
  }
  return mapping
}

/** The 1-based line of the first `"key":` in a JSON text (for messages). */
function lineOfKey(text: string, key: string): number | undefined {
  const m = new RegExp(`${JSON.stringify(key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`).exec(text)
  return m ? text.slice(0, m.index).split('\n').length : undefined
}

const FIELD_KEYS = new Set(['column', 'expr', 'const', 'date', 'time', 'date_format', 'time_format', 'after', 'nulls', 'values', 'format'])

function stringList(v: unknown, where: string): string[] {
  const list = Array.isArray(v) ? v : [v]
  if (!list.every((x) => typeof x === 'string' || typeof x === 'number'))
    throw new Error(`${where} must be a string or a list of strings, e.g. ["0:00:00", "-"]`)
  return list.map(String)
}

/** One field entry of a JSON mapping file. */
function parseFieldEntry(field: string, v: unknown, origin: Origin): FieldMapping {
  if (v === null) return {kind: 'none'}
  if (typeof v === 'string') return parseMapPair(`${field}=${v}`, origin)[1].kind === 'none' ? {kind: 'none'} : {kind: 'column', column: v}
  if (typeof v !== 'object' || Array.isArray(v))
    throw new Error(
      `"${field}" must be a column name, null (not mapped) or an object such as {"column": ...}, {"expr": ...}, {"const": ...}`,
    )
  const o = v as Record<string, unknown>
  const unknown = Object.keys(o).filter((k) => !FIELD_KEYS.has(k) && !k.startsWith('$'))
  if (unknown.length > 0)
    throw new Error(`"${field}": unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${[...FIELD_KEYS].join(', ')})`)
  const nulls = o.nulls === undefined ? undefined : stringList(o.nulls, `"${field}".nulls`)
  let values: Record<string, string | null> | undefined
  if (o.values !== undefined) {
    if (!o.values || typeof o.values !== 'object' || Array.isArray(o.values))
      throw new Error(`"${field}".values must be an object {"CODE": "value"}`)
    values = {}
    for (const [k, val] of Object.entries(o.values as Record<string, unknown>)) {
      if (typeof val !== 'string' && typeof val !== 'number' && val !== null)
        throw new Error(`"${field}".values."${k}" must be a string (the value it means) or null`)
      values[k] = val === null ? null : String(val)
    }
  }
  const format = o.format === undefined ? undefined : String(o.format)
  const kinds = ['column', 'expr', 'const', 'date'].filter((k) => o[k] !== undefined)
  if (kinds.length !== 1)
    throw new Error(
      `"${field}" needs exactly one of column, expr, const or date+time (has ${kinds.length === 0 ? 'none' : kinds.join(', ')})`,
    )
  if (o.const !== undefined) {
    if (!['string', 'number', 'boolean'].includes(typeof o.const)) throw new Error(`"${field}".const must be a string, number or boolean`)
    return {kind: 'const', value: o.const as string | number | boolean}
  }
  if (o.date !== undefined) {
    const cols = (v: unknown) =>
      typeof v === 'string' ? [v] : Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined
    const date = cols(o.date)
    const time = cols(o.time)
    if (!date || !time)
      throw new Error(
        `"${field}": date and time must both name columns (or lists of columns, the first non-empty wins), e.g. {"date": "date", "time": "q_start"}`,
      )
    return {
      kind: 'datetime',
      date,
      time,
      dateFormat: o.date_format === undefined ? undefined : String(o.date_format),
      timeFormat: o.time_format === undefined ? undefined : String(o.time_format),
      after: o.after === undefined ? undefined : String(o.after),
      nulls,
    }
  }
  if (o.expr !== undefined) {
    if (typeof o.expr !== 'string' || o.expr.trim() === '') throw new Error(`"${field}".expr must be a SQL expression (text)`)
    return {kind: 'expr', expr: o.expr.trim(), nulls, values, format}
  }
  if (typeof o.column !== 'string') throw new Error(`"${field}".column must be a column name (text)`)
  return {kind: 'column', column: o.column, nulls, values, format}
}

/**
 * A mapping file: a JSON object (keys starting with `$` are settings or comments: `$nulls`, `$skip`, `$ts_format`)
 * or lines `field=column` (# comments).
 */
export function readMapFile(path: string): Mapping {
  let text: string
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '')
  } catch (error) {
    throw new CcxError(`mapping file not readable: ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
      code: 'MAP_FILE',
      exit: EXIT.badInput,
    })
  }
  if (!text.trimStart().startsWith('{')) {
    const mapping = emptyMapping()
    text.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.trim().replace(/,$/, '')
      if (line === '' || line.startsWith('#')) return
      const [field, m] = parseMapPair(line, `${path}:${i + 1}`)
      mapping.fields[field] = {...m, origin: `${path}:${i + 1}`}
    })
    return mapping
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    const pos = /position (\d+)/.exec((error as Error).message)
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined
    throw invalid(`mapping file ${path}${line ? `:${line}` : ''} is not valid JSON: ${(error as Error).message}`)
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid(`mapping file ${path} must hold a JSON object`)
  const mapping = emptyMapping()
  for (const [key, v] of Object.entries(parsed as Record<string, unknown>)) {
    const origin = `${path}:${lineOfKey(text, key) ?? 1}`
    try {
      if (key === '$nulls') mapping.nulls = stringList(v, '$nulls')
      else if (key === '$ts_format') mapping.tsFormat = String(v)
      else if (key === '$skip') {
        const entries: Array<[string, unknown]> = Array.isArray(v)
          ? v.map((w, i) => [`filter ${i + 1}`, w])
          : v && typeof v === 'object'
            ? Object.entries(v as Record<string, unknown>)
            : [['filter 1', v]]
        for (const [name, where] of entries) {
          if (typeof where !== 'string' || where.trim() === '')
            throw new Error(`$skip: "${name}" must be a SQL condition over the file's columns, e.g. "outcome = 'PHANTOM'"`)
          mapping.filters.push({name, where: where.trim(), origin})
        }
      } else if (key.startsWith('$') || key.startsWith('//')) continue
      else mapping.fields[key] = {...parseFieldEntry(key, v, origin), origin}
    } catch (error) {
      if (error instanceof CcxError) throw error
      throw invalid(`${origin}: ${(error as Error).message}`)
    }
  }
  return mapping
}

/** The file's mapping with `--map` pairs (and settings given as flags) on top. */
export function mergeMappings(base: Mapping, over: Mapping): Mapping {
  return {
    fields: {...base.fields, ...over.fields},
    nulls: [...new Set([...base.nulls, ...over.nulls])],
    filters: [...base.filters, ...over.filters],
    tsFormat: over.tsFormat ?? base.tsFormat,
  }
}

/** Field names and value-map targets against the source's spec (before any file is read). */
export function checkMapping(mapping: Mapping, spec: SourceSpec): void {
  const known = new Set(spec.fields.map((f) => f.name))
  for (const [name, m] of Object.entries(mapping.fields)) {
    if (!known.has(name)) {
      const near = spec.fields.map((f) => f.name).filter((f) => f.includes(name) || name.includes(f) || editDistance(f, name) <= 2)
      throw mappingError(m.origin, `"${name}" is not a ${spec.name} field`, [
        ...(near.length > 0 ? [`Did you mean ${near.join(' or ')}?`] : []),
        `${spec.name} fields: ${spec.fields.map((f) => f.name).join(', ')}`,
      ])
    }
    const field = spec.fields.find((f) => f.name === name)!
    if ((m.kind === 'column' || m.kind === 'expr') && m.values) {
      for (const [code, target] of Object.entries(m.values)) {
        if (target === null) continue
        checkTarget(field, target, m.origin, `value map "${code}" → "${target}"`)
      }
    }
    if (m.kind === 'const') checkTarget(field, String(m.value), m.origin, `constant "${m.value}"`)
    if (m.kind === 'datetime' && field.kind !== 'timestamp')
      throw mappingError(m.origin, `${name}: date + time only makes a timestamp field (${name} is ${field.kind})`)
    if (m.kind === 'datetime' && m.after !== undefined && m.after === name)
      throw mappingError(m.origin, `${name}: "after" cannot name itself`)
    if ((m.kind === 'column' || m.kind === 'expr') && m.format !== undefined) checkTsFormat(m.format, m.origin, name)
  }
  if (mapping.tsFormat !== undefined) checkTsFormat(mapping.tsFormat, '--ts-format', 'timestamps')
}

function checkTarget(field: FieldSpec, target: string, origin: Origin, what: string): void {
  if (field.vocab && canonicalValue(field.vocab, target) === undefined)
    throw mappingError(origin, `${field.name}: ${what} is not a ${field.vocab.name} (${field.vocab.values.join(', ')})`)
  if (field.kind === 'probe_type') return
  if (['int', 'bigint', 'double'].includes(field.kind) && !Number.isFinite(Number(target)))
    throw mappingError(origin, `${field.name}: ${what} is not a number`)
}

export function checkTsFormat(format: string, origin: Origin, field: string): void {
  if (['epoch', 'epoch_ms'].includes(format) || format.includes('%')) return
  throw mappingError(
    origin,
    `${field}: timestamp format "${format}": give a strptime format such as %Y/%m/%d %H:%M:%S, or epoch, or epoch_ms`,
  )
}

function editDistance(a: string, b: string): number {
  const d = Array.from({length: a.length + 1}, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
  return d[a.length]![b.length]!
}

const loose = (s: string) => s.toLowerCase().replace(/[^a-z0-9\u0080-\uffff]/g, '')

/** How a field got its value, as `--dry-run` shows it. */
export type Resolution =
  'exact name' | 'matched name' | 'mapped column' | 'expression' | 'constant' | 'date + time' | 'not mapped' | 'absent'

export interface ResolvedField {
  field: FieldSpec
  how: Resolution
  mapping?: FieldMapping & {origin: Origin}
  /** Column index (column mappings and name matches). */
  column?: number
}

export interface ResolvedColumns {
  fields: Map<string, ResolvedField>
  /** Column indexes no field uses (kept in props for probe). */
  extras: number[]
  /** Columns an explicit mapping, expression or filter names (not matched by name to another field). */
  used: Set<number>
  missingRequired: string[]
}

/** The header column a mapping names: exact, then ignoring case, spaces and `_`. */
export function findColumn(header: string[], column: string): number {
  const trimmed = header.map((h) => h.trim())
  let i = trimmed.indexOf(column.trim())
  if (i === -1) i = trimmed.findIndex((h) => h.toLowerCase() === column.trim().toLowerCase())
  if (i === -1) i = trimmed.findIndex((h) => loose(h) === loose(column))
  return i
}

export function missingColumnError(file: string, column: string, forWhat: string, header: string[]): CcxError {
  return new CcxError(`${file}: column "${column}" (${forWhat}) is not in the header`, {
    code: 'MAP_COLUMN_MISSING',
    exit: EXIT.badInput,
    suggestions: [`The header has: ${header.map((h) => h.trim()).join(', ')}`],
  })
}

/**
 * Matches fields to the header: explicit mappings first; then, for fields the mapping does not mention, the exact
 * column name, then a loose match (case, spaces, `_`) — never a column a column or date + time mapping already gives
 * a meaning (so `disposition: {column: "outcome", ...}` keeps the file's outcome column away from ccx's outcome).
 * `referenced` lists columns expressions and filters read (resolved by the caller, which parses them): they are
 * inputs, not meanings, so a field of the same name still matches them.
 */
export function resolveColumns(
  header: string[],
  spec: SourceSpec,
  mapping: Mapping,
  file: string,
  referenced: number[] = [],
): ResolvedColumns {
  const fields = new Map<string, ResolvedField>()
  const used = new Set<number>()
  const trimmed = header.map((h) => h.trim())
  for (const field of spec.fields) {
    const m = mapping.fields[field.name]
    if (!m) continue
    if (m.kind === 'none') fields.set(field.name, {field, how: 'not mapped', mapping: m})
    else if (m.kind === 'const') fields.set(field.name, {field, how: 'constant', mapping: m})
    else if (m.kind === 'expr') fields.set(field.name, {field, how: 'expression', mapping: m})
    else if (m.kind === 'datetime') {
      for (const c of [...m.date, ...m.time]) {
        const i = findColumn(header, c)
        if (i === -1) throw missingColumnError(file, c, `date + time of ${field.name}`, header)
        used.add(i)
      }
      fields.set(field.name, {field, how: 'date + time', mapping: m})
    } else {
      const i = findColumn(header, m.column)
      if (i === -1) throw missingColumnError(file, m.column, `mapped to ${field.name}`, header)
      used.add(i)
      fields.set(field.name, {field, how: 'mapped column', mapping: m, column: i})
    }
  }
  for (const field of spec.fields) {
    if (fields.has(field.name)) continue
    let i = trimmed.findIndex((h, k) => !used.has(k) && h === field.name)
    let how: Resolution = 'exact name'
    if (i === -1) {
      i = trimmed.findIndex((h, k) => !used.has(k) && loose(h) === loose(field.name))
      how = 'matched name'
    }
    if (i !== -1) {
      used.add(i)
      fields.set(field.name, {field, how, column: i})
    } else fields.set(field.name, {field, how: 'absent'})
  }
  // Columns expressions and filters read stay available to fields of their own name (site || ':' || visitor_id).
  const extras = trimmed.map((_, i) => i).filter((i) => !used.has(i) && !referenced.includes(i) && trimmed[i] !== '__line')
  for (const i of referenced) used.add(i)
  const missingRequired = spec.fields
    .filter((fl) => fl.required && ['absent', 'not mapped'].includes(fields.get(fl.name)!.how))
    .map((fl) => fl.name)
  return {fields, extras, used, missingRequired}
}

/** A mapping of fields to column names only (the simple `{"field": "column"}` form), for code and tests. */
export function columnMapping(columns: Record<string, string>, origin: Origin = '--map'): Mapping {
  const m = emptyMapping()
  for (const [field, column] of Object.entries(columns)) m.fields[field] = {kind: 'column', column, origin}
  return m
}
