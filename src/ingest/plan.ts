import {sqlString as q} from '../store/values.js'
import {TIMESTAMP_RANGE, sqlType, type FieldKind, type FieldSpec, type SourceSpec} from '../vocab/sources.js'
import type {Vocabulary} from '../vocab/values.js'
import type {CompiledExpr} from './expressions.js'
import {findColumn, mappingError, type FieldMapping, type ResolvedColumns} from './mapping.js'

/**
 * The SQL of one load, derived from the source's field specs and the resolved mapping: how each column of the file
 * is read (typed by DuckDB's reader, whose rejects carry line numbers, or as text when a mapping computes from it),
 * each field's value expression over the columns (c0..cN), and the checks that quarantine a row (first failing check
 * wins) — unparseable values, codes missing from a value map, values outside a vocabulary or a documented range,
 * missing required values.
 */

export interface ColumnRead {
  /** DuckDB type for read_csv's `columns`. */
  type: string
  /** Required typed column: empty cells stay '' so the cast fails and names the line. */
  forceNotNull: boolean
}

export interface Check {
  /** SQL condition: true = the row is quarantined. `$V` stands for the field's value. */
  when: string
  /** SQL text expression: the reason (`code: message`). */
  reason: string
  /** SQL text expression: the offending value. */
  value: string
  code: string
}

export interface FieldPlan {
  field: FieldSpec
  /** Value expression (the field's SQL type) over c0..cN. */
  sql: string
  checks: Check[]
}

export interface LoadPlan {
  reads: ColumnRead[]
  fields: FieldPlan[]
  filters: Array<{name: string; sql: string}>
  /** Columns read as text, whose raw cells identify a record when its line must be found again. */
  textColumns: number[]
}

export interface PlanInput {
  spec: SourceSpec
  header: string[]
  resolved: ResolvedColumns
  /** Compiled mapping expressions by field. */
  exprs: Map<string, CompiledExpr>
  filters: Array<{name: string; compiled: CompiledExpr}>
  /** Default timestamp format: strptime, epoch or epoch_ms. */
  tsFormat?: string
  /** Sampled timestamps carry UTC offsets: parse them (any column) with ccx_parse_ts. */
  offsets: boolean
  timezone: string
  file: string
}

const NUMERIC = new Set<FieldKind>(['int', 'bigint', 'double'])

/** Checks name the field's value `$V`; the loader substitutes the field's column (checks run over the field values). */
export const V = '$V'

const REASON: Record<FieldKind, string> = {
  timestamp: 'bad_timestamp',
  probe_type: 'unknown_event_type',
  int: 'bad_number',
  bigint: 'bad_number',
  double: 'bad_number',
  bool: 'bad_boolean',
  text: 'bad_value',
}

/** Type read_csv uses for a plainly mapped column (today's fast path). */
export function readType(kind: FieldKind, tsFormat?: string): string {
  if (kind === 'timestamp') return tsFormat === 'epoch' || tsFormat === 'epoch_ms' ? 'DOUBLE' : 'TIMESTAMP'
  if (kind === 'probe_type') return 'ccx_probe_event_type'
  return sqlType(kind)
}

const cut = (v: string) => `left(${v}, 200)`
const quoted = (v: string) => `'"' || ${cut(v)} || '"'`

/** `case lower(trim(x)) when 'spelling' then 'value' ... end`: the vocabulary's value, NULL when none. */
export function vocabCase(vocab: Vocabulary, x: string): string {
  const whens = [...vocab.values.map((v) => [v, v] as const), ...Object.entries(vocab.synonyms)]
  return `case lower(trim(${x})) ${whens.map(([k, v]) => `when ${q(k.toLowerCase())} then ${q(v)}`).join(' ')} end`
}

function tsFromText(text: string, format: string | undefined, timezone: string, offsets: boolean): string {
  if (format === 'epoch') return `timezone(${q(timezone)}, to_timestamp(try_cast(${text} as DOUBLE)))`
  if (format === 'epoch_ms') return `timezone(${q(timezone)}, to_timestamp(try_cast(${text} as DOUBLE) / 1000.0))`
  if (format) return `try_strptime(${text}, ${q(format)})`
  return offsets ? `ccx_parse_ts(${text})` : `try_cast(trim(${text}) as TIMESTAMP)`
}

/** Text → the field's type; NULL when it does not parse. */
function convert(kind: FieldKind, text: string, format: string | undefined, input: PlanInput): string {
  switch (kind) {
    case 'timestamp':
      return tsFromText(text, format, input.timezone, input.offsets)
    case 'probe_type':
      return `try_cast(trim(${text}) as ccx_probe_event_type)::VARCHAR`
    case 'text':
      return text
    case 'bool':
      return `try_cast(trim(${text}) as BOOLEAN)`
    default:
      return `try_cast(trim(${text}) as ${sqlType(kind)})`
  }
}

function formatNote(kind: FieldKind, format: string | undefined): string {
  if (kind !== 'timestamp') return ''
  return format ? ` (format ${format})` : ' (expected YYYY-MM-DD HH:MM:SS; give the format with --ts-format or "format" in --map-file)'
}

/** The checks every value of a field gets once it is in its type: vocabulary, missing, range. */
function valueChecks(field: FieldSpec, value: string, text: string | null): Check[] {
  const checks: Check[] = []
  const name = field.name
  if (field.required) {
    const empty = field.kind === 'text' ? `(${value} is null or trim(${value}) = '')` : `${value} is null`
    checks.push({
      when: text === null ? empty : `${empty} and (${text} is null or trim(${text}) = '')`,
      code: 'missing_value',
      reason: q(`missing_value: ${name} is empty`),
      value: 'NULL',
    })
  }
  if (NUMERIC.has(field.kind)) {
    const parts: string[] = []
    if (field.kind === 'double') parts.push(`not isfinite(${value})`)
    if (field.min !== undefined) parts.push(`${value} < ${field.min}`)
    if (field.max !== undefined) parts.push(`${value} > ${field.max}`)
    if (parts.length > 0) {
      const range =
        field.min !== undefined && field.max !== undefined
          ? `${field.min} to ${field.max}`
          : field.min !== undefined
            ? `${field.min} or more`
            : 'a finite number'
      checks.push({
        when: `${value} is not null and (${parts.join(' or ')})`,
        code: 'out_of_range',
        reason: `'out_of_range: ${name} ' || ${quoted(`${value}::VARCHAR`)} || ' is outside ${range}'`,
        value: `${value}::VARCHAR`,
      })
    }
  }
  if (field.kind === 'timestamp') {
    checks.push({
      when: `${value} < TIMESTAMP '${TIMESTAMP_RANGE.min}' or ${value} >= TIMESTAMP '${TIMESTAMP_RANGE.max}'`,
      code: 'out_of_range',
      reason: `'out_of_range: ${name} ' || ${quoted(`${value}::VARCHAR`)} || ' is outside ${TIMESTAMP_RANGE.min.slice(0, 4)}–${Number(TIMESTAMP_RANGE.max.slice(0, 4)) - 1}'`,
      value: `${value}::VARCHAR`,
    })
  }
  return checks
}

export function buildPlan(input: PlanInput): LoadPlan {
  const {spec, header, resolved} = input
  const usage = new Map<number, number>()
  const bump = (k: number) => usage.set(k, (usage.get(k) ?? 0) + 1)
  for (const r of resolved.fields.values()) {
    if (r.column !== undefined) bump(r.column)
    const m = r.mapping
    if (m?.kind === 'datetime') for (const c of [...m.date, ...m.time]) bump(findColumn(header, c))
  }
  for (const e of input.exprs.values()) e.columns.forEach(bump)
  for (const f of input.filters) f.compiled.columns.forEach(bump)

  // A column is read typed only when one field takes it as it is; anything computed reads text.
  const typed = new Map<number, FieldSpec>()
  for (const r of resolved.fields.values()) {
    if (r.column === undefined || usage.get(r.column) !== 1) continue
    const m = r.mapping as (FieldMapping & {kind: 'column'}) | undefined
    if (m && (m.nulls || m.values || m.format)) continue
    if (r.field.vocab || r.field.kind === 'text') continue
    if (r.field.kind === 'timestamp' && input.offsets && !input.tsFormat) continue
    typed.set(r.column, r.field)
  }
  const reads: ColumnRead[] = header.map((_, k) => {
    const f = typed.get(k)
    return f ? {type: readType(f.kind, input.tsFormat), forceNotNull: Boolean(f.required)} : {type: 'VARCHAR', forceNotNull: false}
  })

  const plans = new Map<string, FieldPlan>()
  const visiting = new Set<string>()
  const planOf = (field: FieldSpec): FieldPlan => {
    const done = plans.get(field.name)
    if (done) return done
    if (visiting.has(field.name)) {
      const m = resolved.fields.get(field.name)!.mapping!
      throw mappingError(m.origin, `${field.name}: "after" references form a cycle (${[...visiting].join(' → ')} → ${field.name})`)
    }
    visiting.add(field.name)
    const plan = buildField(field)
    visiting.delete(field.name)
    plans.set(field.name, plan)
    return plan
  }

  const buildField = (field: FieldSpec): FieldPlan => {
    const r = resolved.fields.get(field.name)!
    const m = r.mapping
    const type = sqlType(field.kind)
    const name = field.name
    if (r.how === 'absent' || r.how === 'not mapped') return {field, sql: `NULL::${type}`, checks: valueChecks(field, V, null)}
    if (m?.kind === 'const') {
      const lit = field.vocab ? vocabCase(field.vocab, q(String(m.value))) : q(String(m.value))
      const sql = field.kind === 'text' ? lit : field.kind === 'probe_type' ? lit : `CAST(${lit} AS ${type})`
      return {field, sql, checks: []}
    }
    if (r.column !== undefined && typed.has(r.column)) {
      const c = `c${r.column}`
      let sql = c
      if (field.kind === 'timestamp' && input.tsFormat === 'epoch') sql = `timezone(${q(input.timezone)}, to_timestamp(${c}))`
      if (field.kind === 'timestamp' && input.tsFormat === 'epoch_ms') sql = `timezone(${q(input.timezone)}, to_timestamp(${c} / 1000.0))`
      if (field.kind === 'probe_type') sql = `${c}::VARCHAR`
      return {field, sql, checks: valueChecks(field, V, null)}
    }
    if (m?.kind === 'datetime') return dateTimeField(field, m as Extract<FieldMapping, {kind: 'datetime'}> & {origin: string})

    // Computed from text: a column read as VARCHAR or an expression.
    let text: string
    let textIsVarchar = true
    if (m?.kind === 'expr') {
      const e = input.exprs.get(name)!
      text = e.sql
      textIsVarchar = e.type === 'VARCHAR'
    } else text = `c${r.column}`
    const mm = m as (FieldMapping & {kind: 'column' | 'expr'}) | undefined
    const checks: Check[] = []
    for (const c of m?.kind === 'expr' ? input.exprs.get(name)!.casts : []) {
      const code = /INT|DECIMAL|DOUBLE|FLOAT|NUMERIC/.test(c.type) ? 'bad_number' : /DATE|TIME/.test(c.type) ? 'bad_timestamp' : 'bad_value'
      checks.push({
        when: c.failed,
        code,
        reason: `'${code}: ${name} ' || ${quoted(c.value)} || ' does not convert to ${c.type} in the mapping expression'`,
        value: c.value,
      })
    }
    // Expressions of another type (numbers, timestamps) keep it; codes, null markers and formats work on text.
    if (!textIsVarchar && (mm?.nulls || mm?.values || mm?.format || field.kind === 'text' || field.kind === 'probe_type'))
      text = `(${text})::VARCHAR`
    if (mm?.nulls && mm.nulls.length > 0) text = `(case when trim(${text}) in (${mm.nulls.map(q).join(', ')}) then NULL else ${text} end)`
    if (mm?.values) {
      const entries = Object.entries(mm.values)
      const keys = entries.map(([k]) => q(k)).join(', ')
      checks.push({
        when: `${text} is not null and trim(${text}) not in (${keys})`,
        code: 'unmapped_value',
        reason: `'unmapped_value: ${name} code ' || ${quoted(`trim(${text})`)} || ' is not in the value map (${entries
          .slice(0, 8)
          .map(([k]) => k.replaceAll("'", "''"))
          .join(', ')}${entries.length > 8 ? ', ...' : ''})'`,
        value: `trim(${text})`,
      })
      text = `(case trim(${text}) ${entries.map(([k, v]) => `when ${q(k)} then ${v === null ? 'NULL' : q(v)}`).join(' ')} end)`
    }
    const format = mm?.format ?? input.tsFormat
    let value: string
    if (field.kind === 'text') value = field.vocab ? vocabCase(field.vocab, text) : text
    else if (!textIsVarchar && !mm?.values && !mm?.nulls && !mm?.format) {
      // A typed expression (e.g. a sum of integers, or strptime(...)): cast to the field's type.
      value = `try_cast(${text} as ${field.kind === 'probe_type' ? 'ccx_probe_event_type' : type})${field.kind === 'probe_type' ? '::VARCHAR' : ''}`
    } else value = convert(field.kind, text, format, input)
    if (field.kind !== 'text') {
      checks.push({
        when: `${text} is not null and trim(${text}::VARCHAR) <> '' and ${V} is null`,
        code: REASON[field.kind],
        reason: `'${REASON[field.kind]}: ${name} ' || ${quoted(`${text}::VARCHAR`)} || ' ${
          field.kind === 'probe_type'
            ? 'is not a probe event type'
            : field.kind === 'timestamp'
              ? 'is not a timestamp'
              : `is not ${field.kind === 'bool' ? 'true/false' : 'a number'}`
        }${formatNote(field.kind, format).replaceAll("'", "''")}'`,
        value: `${text}::VARCHAR`,
      })
    } else if (field.vocab) {
      const vocab = field.vocab
      checks.push({
        when: `${text} is not null and trim(${text}) <> '' and ${V} is null`,
        code: 'bad_value',
        reason: `'bad_value: ${name} ' || ${quoted(`trim(${text})`)} || ' is not a ${vocab.name} (${vocab.values.join(', ')})'`,
        value: `trim(${text})`,
      })
    }
    checks.push(...valueChecks(field, V, field.kind === 'text' ? null : text))
    return {field, sql: value, checks}
  }

  const dateTimeField = (field: FieldSpec, m: Extract<FieldMapping, {kind: 'datetime'}> & {origin: string}): FieldPlan => {
    const nul = (c: string) =>
      m.nulls && m.nulls.length > 0 ? `(case when trim(${c}) in (${m.nulls.map(q).join(', ')}) then NULL else ${c} end)` : c
    const first = (cols: string[]) => {
      const parts = cols.map((c) => `nullif(trim(${nul(`c${findColumn(header, c)}`)}), '')`)
      return parts.length === 1 ? parts[0]! : `coalesce(${parts.join(', ')})`
    }
    const d = first(m.date)
    const t = first(m.time)
    const date = m.dateFormat ? `try_strptime(trim(${d}), ${q(m.dateFormat)})::DATE` : `try_cast(trim(${d}) as DATE)`
    const timeOf = (x: string) => `try_strptime(trim(${x}), ${q(m.timeFormat ?? '%H:%M:%S')})::TIME`
    let value = `(${date} + ${timeOf(t)})`
    if (m.after) {
      // A time earlier than the reference by more than 12 hours crossed midnight: the next day. A smaller
      // difference is clock skew and stays (the time-order check flags it).
      const refField = spec.fields.find((f) => f.name === m.after)
      let ref: string
      if (refField) {
        if (refField.kind !== 'timestamp')
          throw mappingError(m.origin, `${field.name}: "after" must name a timestamp field or a time column`)
        ref = planOf(refField).sql
      } else {
        const k = findColumn(header, m.after)
        if (k === -1)
          throw mappingError(m.origin, `${field.name}: "after": "${m.after}" is neither a ${spec.name} field nor a column of ${input.file}`)
        ref = `(${date} + ${timeOf(nul(`c${k}`))})`
      }
      value = `(case when ${value} < ${ref} - INTERVAL 12 HOUR then ${value} + INTERVAL 1 DAY else ${value} end)`
    }
    const shown = `concat_ws(' ', ${d}, ${t})`
    const checks: Check[] = [
      {
        when: `${t} is not null and trim(${t}) <> '' and (${d} is null or trim(${d}) = '')`,
        code: 'missing_value',
        reason: q(`missing_value: ${field.name}: the date column ${m.date.join(' / ')} is empty`),
        value: shown,
      },
      {
        when: `${t} is not null and trim(${t}) <> '' and ${V} is null`,
        code: 'bad_timestamp',
        reason: `'bad_timestamp: ${field.name} ' || ${quoted(shown)} || ' (date ${m.dateFormat ?? 'YYYY-MM-DD'}, time ${m.timeFormat ?? '%H:%M:%S'}) does not parse'`,
        value: shown,
      },
      ...valueChecks(field, V, t),
    ]
    return {field, sql: value, checks}
  }

  const fields = spec.fields.map(planOf)
  return {
    reads,
    fields,
    filters: input.filters.map((f) => ({name: f.name, sql: `coalesce(${f.compiled.sql}, false)`})),
    textColumns: reads.map((r, k) => (r.type === 'VARCHAR' ? k : -1)).filter((k) => k >= 0),
  }
}

/** Macros the plans use; created per ingest (temp). */
export const PLAN_MACROS = `create or replace temp macro ccx_parse_ts(s) as case
  when regexp_matches(trim(s), '(Z|[+-][0-9]{2}:?[0-9]{2})$')
    then try_cast(regexp_replace(trim(s), '\\s*([+-][0-9]{2}):?([0-9]{2})$', '\\1:\\2') as TIMESTAMPTZ)::TIMESTAMP
  else try_cast(trim(s) as TIMESTAMP) end;`
