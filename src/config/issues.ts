import type {z} from 'zod'
import {closest} from '../vocab/nearest.js'
import {formatPath} from './json-positions.js'

/** One problem of a JSON file checked by a zod schema: its line, the field (`jobs[0].steps[1].pipelines[0]`), what. */
export interface FileIssue {
  line: number
  field: string
  message: string
}

/**
 * Zod issues → one per field, with the line (from parseWithPositions) and, for an unknown key, the nearest key the
 * schema knows at that place.
 */
export function fileIssues(
  error: z.ZodError,
  schema: z.ZodType,
  value: unknown,
  lineOf: (path: ReadonlyArray<PropertyKey>) => number,
): FileIssue[] {
  return error.issues.flatMap((issue): FileIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      const known = keysAt(schema, issue.path, value)
      return issue.keys.map((key) => {
        const near = closest(key, known)
        const hint = near.length > 0 ? `; did you mean "${near[0]}"?` : known.length > 0 ? `; known keys: ${known.join(', ')}` : ''
        return {line: lineOf([...issue.path, key]), field: formatPath([...issue.path, key]), message: `unknown key "${key}"${hint}`}
      })
    }
    return [{line: lineOf(issue.path), field: formatPath(issue.path), message: issue.message}]
  })
}

type Def = {
  type: string
  shape?: Record<string, z.ZodType>
  element?: z.ZodType
  innerType?: z.ZodType
  out?: z.ZodType
  options?: z.ZodType[]
}
const defOf = (schema: z.ZodType) => (schema as unknown as {_zod: {def: Def}})._zod.def

/** The keys an object schema accepts at `path` of `value` (a discriminated union: the option whose literal matches). */
function keysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>, value: unknown): string[] {
  let candidates: z.ZodType[] = [schema]
  let here = value
  for (let depth = 0; ; depth++) {
    candidates = candidates.flatMap((s) => unwrap(s, here))
    if (depth === path.length) break
    const key = path[depth]
    candidates = candidates.flatMap((s) => {
      const def = defOf(s)
      if (def.type === 'object' && typeof key === 'string' && def.shape?.[key]) return [def.shape[key]]
      if (def.type === 'array' && typeof key === 'number' && def.element) return [def.element]
      return []
    })
    here = here !== null && typeof here === 'object' ? (here as Record<PropertyKey, unknown>)[key] : undefined
  }
  return [...new Set(candidates.flatMap((s) => Object.keys(defOf(s).shape ?? {})))]
}

function unwrap(schema: z.ZodType, value: unknown): z.ZodType[] {
  const def = defOf(schema)
  if (def.innerType && ['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly'].includes(def.type))
    return unwrap(def.innerType, value)
  if (def.type === 'pipe' && def.out) return unwrap(def.out, value)
  if (def.type === 'union' && def.options) {
    const all = def.options.flatMap((o) => unwrap(o, value))
    const kind = value !== null && typeof value === 'object' ? (value as Record<string, unknown>).kind : undefined
    const matching = all.filter((o) => {
      const literal = defOf(o).shape?.kind
      return literal !== undefined && (defOf(literal) as unknown as {values?: unknown[]}).values?.includes(kind)
    })
    return matching.length > 0 ? matching : all
  }
  return [schema]
}
