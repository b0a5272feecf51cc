import {readFileSync} from 'node:fs'
import {CcxError, EXIT} from '../errors.js'
import type {SourceSpec} from './sources.js'

/** canonical field → the file's column name. */
export type ColumnMap = Record<string, string>

/** Parses `--map ts=call_start,site=站点` (repeatable); later pairs win. */
export function parseMapArgs(values: string[]): ColumnMap {
  const map: ColumnMap = {}
  for (const value of values) {
    for (const pair of value.split(',')) {
      if (pair.trim() === '') continue
      const eq = pair.indexOf('=')
      if (eq <= 0)
        throw new CcxError(`--map: "${pair}" is not canonical=column`, {
          code: 'BAD_MAP',
          exit: EXIT.usage,
          suggestions: ['Example: --map call_id=CallID,offered_at="Start Time"'],
        })
      map[pair.slice(0, eq).trim()] = pair
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1')
    }
  }
  return map
}

/** A mapping file: a JSON object {"canonical": "column"} or lines `canonical=column` (# comments). */
export function readMapFile(path: string): ColumnMap {
  let text: string
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '')
  } catch {
    throw new CcxError(`mapping file not found: ${path}`, {code: 'MAP_FILE', exit: EXIT.badInput})
  }
  if (text.trimStart().startsWith('{')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      throw new CcxError(`mapping file ${path} is not valid JSON: ${(error as Error).message}`, {
        code: 'MAP_FILE',
        exit: EXIT.invalidConfig,
      })
    }
    const map: ColumnMap = {}
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      if (k.startsWith('$') || k.startsWith('//')) continue
      if (typeof v !== 'string')
        throw new CcxError(`mapping file ${path}: "${k}" must map to a column name (string)`, {code: 'MAP_FILE', exit: EXIT.invalidConfig})
      map[k] = v
    }
    return map
  }
  return parseMapArgs(
    text
      .split(/\r?\n/)
      .filter((l) => !l.trim().startsWith('#'))
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => l.replace(/,$/, '')),
  )
}

export function checkMapKeys(map: ColumnMap, spec: SourceSpec): void {
  const known = new Set(spec.fields.map((f) => f.name))
  const unknown = Object.keys(map).filter((k) => !known.has(k))
  if (unknown.length > 0) {
    throw new CcxError(`--map: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not ${spec.name} fields`, {
      code: 'BAD_MAP',
      exit: EXIT.usage,
      suggestions: [`${spec.name} fields: ${spec.fields.map((f) => f.name).join(', ')}`],
    })
  }
}

const loose = (s: string) => s.toLowerCase().replace(/[^a-z0-9\u0080-\uffff]/g, '')

export interface ResolvedColumns {
  /** canonical field → column index in the file. */
  index: Map<string, number>
  /** Column indexes that map to no field (kept in props for probe). */
  extras: number[]
  missingRequired: string[]
}

/** Matches header columns to fields: the map first, then the exact name, then a loose match (case, spaces, _). */
export function resolveColumns(header: string[], spec: SourceSpec, map: ColumnMap, file: string): ResolvedColumns {
  const index = new Map<string, number>()
  const used = new Set<number>()
  const trimmed = header.map((h) => h.trim())
  for (const [field, column] of Object.entries(map)) {
    let i = trimmed.indexOf(column)
    if (i === -1) i = trimmed.findIndex((h) => loose(h) === loose(column))
    if (i === -1) {
      throw new CcxError(`${file}: mapped column "${column}" (for ${field}) is not in the header`, {
        code: 'MAP_COLUMN_MISSING',
        exit: EXIT.badInput,
        suggestions: [`The header has: ${trimmed.join(', ')}`],
      })
    }
    index.set(field, i)
    used.add(i)
  }
  for (const field of spec.fields) {
    if (index.has(field.name)) continue
    let i = trimmed.findIndex((h, k) => !used.has(k) && h === field.name)
    if (i === -1) i = trimmed.findIndex((h, k) => !used.has(k) && loose(h) === loose(field.name))
    if (i !== -1) {
      index.set(field.name, i)
      used.add(i)
    }
  }
  const extras = trimmed.map((_, i) => i).filter((i) => !used.has(i) && trimmed[i] !== '__line')
  const missingRequired = spec.fields.filter((fl) => fl.required && !index.has(fl.name)).map((fl) => fl.name)
  return {index, extras, missingRequired}
}
