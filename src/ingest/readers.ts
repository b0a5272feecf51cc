import {isUtf8} from 'node:buffer'
import {createWriteStream, readFileSync, type WriteStream} from 'node:fs'
import iconv from 'iconv-lite'
import {CcxError, EXIT} from '../errors.js'
import {batchLogRows} from '../vocab/event-log.js'
import {BatchError} from '../vocab/probe-batch.js'
import {mergeProps, parseAccessLogLine} from './access-log.js'
import {readHead} from './detect.js'
import {csvCell, readRawLines} from './lines.js'
import type {Mapping} from './mapping.js'
import type {SourceSpec} from '../vocab/sources.js'

/** A line a JS reader could not use; lands in `quarantine` with the file's own line number. */
export interface JsQuarantineRow {
  line: number
  field: string | null
  reason: string
  raw: string
}

export interface CanonicalCsv {
  path: string
  /** `__line`, the source's fields in spec order, then other keys of the records (see keysOf). */
  header: string[]
  /** Records written (good or not yet type-checked). */
  rows: number
  quarantine: JsQuarantineRow[]
}

export const MAX_LINE_BYTES = 2 * 1024 * 1024
export const RAW_CUT = 64 * 1024

/** Buffered writer: one write per ~1 MB, waits for drain. */
class CsvWriter {
  private buf: string[] = []
  private size = 0
  constructor(private readonly out: WriteStream) {}
  async row(cells: string[]): Promise<void> {
    const line = cells.map(csvCell).join(',') + '\n'
    this.buf.push(line)
    this.size += line.length
    if (this.size > 1 << 20) await this.flush()
  }
  async flush(): Promise<void> {
    if (this.buf.length === 0) return
    const chunk = this.buf.join('')
    this.buf = []
    this.size = 0
    if (!this.out.write(chunk)) await new Promise<void>((r) => this.out.once('drain', () => r()))
  }
  async close(): Promise<void> {
    await this.flush()
    await new Promise<void>((resolve, reject) => this.out.end((error?: Error | null) => (error ? reject(error) : resolve())))
  }
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v)
  return JSON.stringify(v)
}

/** One JSON record as cells by key; for probe, keys outside the header go into props (a JSON object). */
function recordCells(record: Record<string, unknown>, spec: SourceSpec, columns: Set<string>): Record<string, string> {
  const out: Record<string, string> = {}
  const extra: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(record)) {
    if (columns.has(k)) out[k] = cell(v)
    else if (spec.name === 'probe') extra[k] = v
  }
  if (Object.keys(extra).length > 0) out.props = mergeProps(out.props || undefined, extra)
  return out
}

/** chats: one conversation (with `messages`) → one row per message with the conversation fields repeated. */
function chatRows(record: Record<string, unknown>, spec: SourceSpec, columns: Set<string>): Record<string, string>[] {
  const {messages, ...conversation} = record
  const conv = recordCells(conversation, spec, columns)
  if (!Array.isArray(messages) || messages.length === 0) return [conv]
  return messages.map((m, i) => {
    const msg = m && typeof m === 'object' && !Array.isArray(m) ? recordCells(m as Record<string, unknown>, spec, columns) : {}
    return {...conv, ...msg, seq: msg.seq || String(i + 1)}
  })
}

/** Nesting depth of a JSON text, counted without parsing it (a line nested 5,000 deep must not overflow the stack). */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 || c === 91) {
      if (++depth > max) max = depth
      if (max > limit) return max
    } else if (c === 125 || c === 93) depth--
  }
  return max
}

export const MAX_JSON_DEPTH = 64

/**
 * The columns of the canonical file: the source's fields, then the keys of the first records (first MiB) that a
 * mapping may name; for probe only the keys the mapping names (the others go into props, as the probe sends them).
 */
export function keysOf(sample: string, spec: SourceSpec, mapping: Mapping, format: 'ndjson' | 'json' | 'access-log'): string[] {
  const fields = spec.fields.map((f) => f.name)
  if (format === 'access-log') return fields
  const seen = new Set<string>()
  const add = (o: unknown) => {
    if (!o || typeof o !== 'object' || Array.isArray(o)) return
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
      if (spec.name === 'chats' && k === 'messages' && Array.isArray(v)) v.forEach(add)
      else seen.add(k)
    }
  }
  const text = sample.replace(/^\uFEFF/, '').trimStart()
  if (format === 'json') {
    try {
      const parsed = JSON.parse(text) as unknown
      ;(Array.isArray(parsed) ? parsed.slice(0, 1000) : [parsed]).forEach(add)
    } catch {
      // a cut sample: the keys come from the mapping alone
    }
  } else {
    for (const line of text.split('\n').slice(0, -1)) {
      if (jsonDepth(line, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) continue
      try {
        add(JSON.parse(line))
      } catch {
        // a bad line is quarantined when it is read
      }
    }
  }
  const named = new Set<string>()
  for (const m of Object.values(mapping.fields)) {
    if (m.kind === 'column') named.add(m.column)
    if (m.kind === 'datetime') [...m.date, ...m.time].forEach((c) => named.add(c))
  }
  const texts = [
    ...Object.values(mapping.fields).map((m) => (m.kind === 'expr' ? m.expr : '')),
    ...mapping.filters.map((f) => f.where),
  ].join(' ')
  const wanted = [...seen].filter(
    (k) => !fields.includes(k) && k !== '__line' && (spec.name !== 'probe' || named.has(k) || texts.includes(k)),
  )
  return [...fields, ...wanted, ...[...named].filter((k) => !fields.includes(k) && !wanted.includes(k))]
}

function decodeLine(bytes: Buffer, encoding: string): {text: string; ok: boolean} {
  if (encoding === 'utf-8') {
    const ok = isUtf8(bytes)
    return {text: bytes.toString('utf8'), ok}
  }
  return {text: iconv.decode(bytes, encoding), ok: true}
}

const cut = (s: string) => (s.length > RAW_CUT ? s.slice(0, RAW_CUT) : s)

/**
 * NDJSON, JSON arrays and access logs → a canonical CSV (`__line` + fields) that the same typed
 * `read_csv` load then checks; lines that are not JSON objects, not log lines, invalid UTF-8 or too
 * long are quarantined here with their line numbers.
 */
export async function writeCanonicalCsv(options: {
  path: string
  out: string
  format: 'ndjson' | 'json' | 'access-log'
  encoding: string
  spec: SourceSpec
  /** The mapping the load will apply (the keys it names become columns); default: none. */
  mapping?: Mapping
  onBytes?: (done: number) => void
}): Promise<CanonicalCsv> {
  const {spec} = options
  const head = readHead(options.path, 1 << 20)
  const sample = options.encoding === 'utf-8' ? head.toString('utf8') : iconv.decode(head, options.encoding)
  const keys = keysOf(sample, spec, options.mapping ?? {fields: {}, nulls: [], filters: []}, options.format)
  const columns = new Set(keys)
  const header = ['__line', ...keys]
  const writer = new CsvWriter(createWriteStream(options.out))
  const quarantine: JsQuarantineRow[] = []
  let rows = 0
  await writer.row(header)
  const write = async (line: number, rec: Record<string, string>) => {
    rows++
    await writer.row([String(line), ...keys.map((k) => rec[k] ?? '')])
  }
  const records = async (line: number, value: unknown, raw: string) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      quarantine.push({line, field: null, reason: 'bad_json: not a JSON object', raw: cut(raw)})
      return
    }
    if (spec.name === 'probe' && 'probe_batch' in value) return logRecord(line, value as Record<string, unknown>, raw)
    let recs: Record<string, string>[]
    try {
      recs =
        spec.name === 'chats'
          ? chatRows(value as Record<string, unknown>, spec, columns)
          : [recordCells(value as Record<string, unknown>, spec, columns)]
    } catch (error) {
      if (!(error instanceof RangeError)) throw error
      quarantine.push({line, field: null, reason: `bad_json: ${error.message}`, raw: cut(raw)})
      return
    }
    for (const rec of recs) await write(line, rec)
  }
  /** A line of `ccx serve`'s event log (src/vocab/event-log.ts): the request's accepted events, canonical already. */
  const logRecord = async (line: number, value: Record<string, unknown>, raw: string) => {
    let expanded
    try {
      expanded = batchLogRows(value)
    } catch (error) {
      if (!(error instanceof BatchError)) throw error
      quarantine.push({line, field: error.field, reason: `bad_log_record: ${error.message}`, raw: cut(raw)})
      return
    }
    for (const p of expanded.problems) quarantine.push({line, field: p.field, reason: `invalid_event: ${p.reason}`, raw: cut(raw)})
    for (const row of expanded.rows) await write(line, recordCells(row, spec, columns))
  }
  try {
    if (options.format === 'json') {
      const buf = readFileSync(options.path)
      const text = options.encoding === 'utf-8' ? buf.toString('utf8') : iconv.decode(buf, options.encoding)
      let parsed: unknown
      try {
        if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw new Error(`nested more than ${MAX_JSON_DEPTH} levels deep`)
        parsed = JSON.parse(text.replace(/^\uFEFF/, ''))
      } catch (error) {
        throw new CcxError(`${options.path}: not valid JSON (${(error as Error).message})`, {
          code: 'BAD_JSON',
          exit: EXIT.badInput,
          suggestions: ['Use NDJSON (one object per line, .ndjson) so a bad record is quarantined instead of failing the file.'],
        })
      }
      const list = Array.isArray(parsed) ? parsed : [parsed]
      // A JSON array has no useful line numbers: `line` is the record's position (1-based).
      for (let i = 0; i < list.length; i++) await records(i + 1, list[i], JSON.stringify(list[i]) ?? '')
      options.onBytes?.(buf.length)
    } else {
      for await (const l of readRawLines(options.path, MAX_LINE_BYTES, options.onBytes)) {
        if (l.tooLong) {
          quarantine.push({
            line: l.line,
            field: null,
            reason: `line_too_long: ${l.length} bytes (limit ${MAX_LINE_BYTES})`,
            raw: cut(l.bytes.subarray(0, RAW_CUT).toString('utf8')),
          })
          continue
        }
        const {text, ok} = decodeLine(l.bytes, options.encoding)
        const trimmed = text.replace(/^\uFEFF/, '')
        if (!ok) {
          quarantine.push({line: l.line, field: null, reason: 'invalid_utf8: the line is not valid UTF-8', raw: cut(trimmed)})
          continue
        }
        if (trimmed.trim() === '') continue
        if (options.format === 'access-log') {
          const r = parseAccessLogLine(trimmed)
          if (r.kind === 'event') await write(l.line, r.fields)
          else if (r.kind === 'bad') quarantine.push({line: l.line, field: r.field ?? null, reason: r.reason, raw: cut(trimmed)})
          continue
        }
        const depth = jsonDepth(trimmed, MAX_JSON_DEPTH)
        if (depth > MAX_JSON_DEPTH) {
          quarantine.push({
            line: l.line,
            field: null,
            reason: `bad_json: nested more than ${MAX_JSON_DEPTH} levels deep`,
            raw: cut(trimmed),
          })
          continue
        }
        let value: unknown
        try {
          value = JSON.parse(trimmed)
        } catch (error) {
          quarantine.push({line: l.line, field: null, reason: `bad_json: ${(error as Error).message}`, raw: cut(trimmed)})
          continue
        }
        await records(l.line, value, trimmed)
      }
    }
  } finally {
    await writer.close()
  }
  return {path: options.out, header, rows, quarantine}
}
