import {extname} from 'node:path'
import {CcxError, EXIT} from '../errors.js'
import type {Store} from '../store/store.js'
import {sqlString as q} from '../store/values.js'

/**
 * Quarantine you can act on: the most frequent reasons of a load with the first line, the field, an example value
 * and the flag or mapping to try; and `ccx quarantine` list / show / export.
 */
export interface ReasonSummary {
  code: string
  field: string | null
  count: number
  file: string
  firstLine: number | null
  value: string | null
  /** One full reason text (the first). */
  example: string
  hint: string
}

/** The flag or mapping that usually fixes a reason (docs/formats.md "Quarantine"). */
export function hintFor(code: string, field: string | null, value: string | null, source: string): string {
  const f = field ?? 'FIELD'
  const v = value ?? ''
  switch (code) {
    case 'bad_timestamp':
      if (/^\d{1,2}:\d{2}(:\d{2})?$/.test(v.trim()))
        return `a time without a date: combine it with the date column in --map-file, e.g. {"${f}": {"date": "<date column>", "time": "<this column>"}}`
      if (/^\d{9,13}(\.\d+)?$/.test(v.trim()))
        return `UNIX time: --ts-format epoch (seconds) or epoch_ms, or {"${f}": {"column": ..., "format": "epoch"}}`
      return `give the format: --ts-format "%d/%m/%Y %H:%M:%S" (all timestamp columns) or {"${f}": {"column": ..., "format": "..."}} in --map-file`
    case 'out_of_range':
      if (/^1900-01-01/.test(v))
        return `a time-only column read as a timestamp lands on 1900-01-01: combine it with a date column: {"${f}": {"date": ..., "time": ...}}`
      if (/^\d{4}-/.test(v))
        return `check the timestamp format (day and month swapped? two-digit year?), or skip such rows with "$skip" in --map-file`
      return `${f} has a documented range (docs/formats.md): fix the column, map another one, or skip such rows with "$skip"`
    case 'bad_value':
      return `map the file's codes in --map-file: {"${f}": {"column": ..., "values": {"${v || 'CODE'}": "<value>"}}}, or a constant {"${f}": {"const": "<value>"}}`
    case 'unmapped_value':
      return `add "${v || 'CODE'}" to the value map of ${f}, or skip such rows with "$skip": {"name": "<column> = '${v || 'CODE'}'"}`
    case 'unknown_event_type':
      return `map the file's event names: {"type": {"column": ..., "values": {"${v || 'name'}": "pageview"}}}`
    case 'missing_value':
      return `${f} is required: map it to a column that has it (--map ${f}=<column>), give a constant, or skip rows without it with "$skip"`
    case 'bad_number':
    case 'bad_boolean':
      return `${f}: mark "${v}" as empty with "nulls" in --map-file, or map ${f} to an expression that converts it`
    case 'conflicting_key':
      // A composite key (transcripts: call_id, turn_no) names several fields: the hint names the last one.
      if (f.includes(', ')) {
        const last = f.split(', ').at(-1) ?? f
        return `(${f}) repeats with other values: map ${last} to an expression over columns that tells the rows apart: {"${last}": {"expr": "..."}}; a corrected file loads with --replace`
      }
      return `ids that are unique only within another column make a composite key: {"${f}": {"expr": "<column> || '-' || ${f}"}}; a corrected file loads with --replace`
    case 'invalid_utf8':
      return `if the file is GBK/GB18030 (Excel in China), run again with --encoding gb18030 --replace`
    case 'wrong_column_count':
      return `a delimiter inside an unquoted value, or a cut line: quote the field, or give --delimiter`
    case 'bad_quoting':
      return `an unterminated or stray double quote: fix the line, or export with RFC 4180 quoting`
    case 'line_too_long':
      return `lines over 2 MiB are refused: check for a missing line break`
    case 'bad_json':
      if (source === 'surveys')
        return 'answers must be a JSON object {"question id": value} (docs/surveys.md); in CSV, quote it: "{""csat"": 5}"'
      return `one JSON object per line (NDJSON)`
    case 'bad_log_line':
      return source === 'calls'
        ? 'not a line of the named --format; check the format'
        : 'not a combined-log-format line: other layouts load as CSV or NDJSON'
    default:
      return source === 'probe' ? 'see docs/formats.md "Quarantine"' : 'see docs/formats.md "Quarantine"'
  }
}

const codeOf = `split_part(reason, ':', 1)`

/** The `limit` most frequent (reason code, field) pairs of the given loads. */
export async function topReasons(store: Store, ingestIds: number[], limit = 5): Promise<ReasonSummary[]> {
  if (ingestIds.length === 0) return []
  const rows = await store.all<{
    code: string
    field: string | null
    n: number
    file: string
    first_line: number | null
    value: string | null
    example: string
    source: string
  }>(
    `select ${codeOf} as code, field, count(*) as n, min(file) as file, min(line) as first_line,
       arg_min(value, coalesce(line, 9223372036854775807)) as value, arg_min(reason, coalesce(line, 9223372036854775807)) as example, min(source) as source
     from quarantine where ingest_id in (${ingestIds.join(', ')}) group by 1, 2 order by n desc, first_line nulls last limit ${limit}`,
  )
  return rows.map((r) => ({
    code: r.code,
    field: r.field,
    count: Number(r.n),
    file: r.file,
    firstLine: r.first_line === null ? null : Number(r.first_line),
    value: r.value,
    example: r.example,
    hint: hintFor(r.code, r.field, r.value, r.source),
  }))
}

export interface QuarantineFilter {
  /** An ingest id, or a file name / path fragment. */
  file?: string
  source?: string
  /** Reason code (bad_timestamp, ...). */
  reason?: string
}

function where(filter: QuarantineFilter): string {
  const parts = ['true']
  if (filter.file !== undefined) {
    parts.push(/^\d+$/.test(filter.file) ? `q.ingest_id = ${Number(filter.file)}` : `q.file like ${q(`%${filter.file}%`)}`)
  }
  if (filter.source) parts.push(`q.source = ${q(filter.source)}`)
  if (filter.reason) parts.push(`${codeOf.replace('reason', 'q.reason')} = ${q(filter.reason)}`)
  return parts.join(' and ')
}

export interface QuarantineListRow {
  ingestId: number
  source: string
  file: string
  status: string
  rows: number
  reasons: Array<{code: string; count: number}>
}

/** Quarantined rows per load (file) with their reasons, newest first. */
export async function listQuarantine(store: Store, filter: QuarantineFilter = {}): Promise<QuarantineListRow[]> {
  const rows = await store.all<{ingest_id: number; source: string; file: string; status: string | null; code: string; n: number}>(
    `select q.ingest_id, q.source, q.file, f.status, ${codeOf.replace('reason', 'q.reason')} as code, count(*) as n
     from quarantine q left join ingest_files f using (ingest_id) where ${where(filter)}
     group by all order by q.ingest_id desc, n desc`,
  )
  const out = new Map<number, QuarantineListRow>()
  for (const r of rows) {
    const id = Number(r.ingest_id)
    const row = out.get(id) ?? {ingestId: id, source: r.source, file: r.file, status: r.status ?? 'loaded', rows: 0, reasons: []}
    row.rows += Number(r.n)
    row.reasons.push({code: r.code, count: Number(r.n)})
    out.set(id, row)
  }
  return [...out.values()]
}

export interface QuarantineRow {
  ingestId: number
  source: string
  file: string
  line: number | null
  field: string | null
  reason: string
  value: string | null
  raw: string | null
  hint: string
}

export async function showQuarantine(store: Store, filter: QuarantineFilter, limit = 50): Promise<QuarantineRow[]> {
  const rows = await store.all<{
    ingest_id: number
    source: string
    file: string
    line: number | null
    field: string | null
    reason: string
    value: string | null
    raw: string | null
  }>(
    `select ingest_id, source, file, line, field, reason, value, raw from quarantine q where ${where(filter)}
     order by ingest_id desc, line nulls last limit ${Math.max(1, limit)}`,
  )
  return rows.map((r) => ({
    ingestId: Number(r.ingest_id),
    source: r.source,
    file: r.file,
    line: r.line === null ? null : Number(r.line),
    field: r.field,
    reason: r.reason,
    value: r.value,
    raw: r.raw,
    hint: hintFor(r.reason.split(':')[0]!, r.field, r.value, r.source),
  }))
}

/** Writes the matching rows to a CSV, Parquet or NDJSON file (by extension); returns how many. */
export async function exportQuarantine(store: Store, filter: QuarantineFilter, out: string): Promise<number> {
  const ext = extname(out).toLowerCase()
  const format =
    ext === '.csv'
      ? `(header, delimiter ',')`
      : ext === '.parquet'
        ? '(format parquet)'
        : ext === '.ndjson' || ext === '.jsonl'
          ? '(format json)'
          : undefined
  if (!format) throw new CcxError(`--out ${out}: give a .csv, .parquet or .ndjson file`, {code: 'BAD_FLAG', exit: EXIT.usage})
  const n = await store.scalar<number>(`select count(*) from quarantine q where ${where(filter)}`)
  await store.run(
    `copy (select ingest_id, source, file, line, field, ${codeOf} as code, reason, value, raw, quarantined_at from quarantine q where ${where(filter)}
           order by ingest_id, line nulls last) to ${q(out)} ${format}`,
  )
  return Number(n)
}
