import {isUtf8} from 'node:buffer'
import {BatchError, validateBatch, type ProbeBatch, type Rejection} from './probe-batch.js'

/**
 * The event log's lines (docs/serve.md, "Event log format"): one line per acknowledged /collect request, holding the
 * request body as it arrived plus what the server knew (time, address, user agent, its visit count). `serve` writes
 * them without decoding and re-encoding every event (the hot path); `ingest --from-log` expands each line into the
 * canonical probe rows with batchLogRows().
 */
export const LOG_RECORD_VERSION = 1

/** Text of whole lines: one string, or pieces (strings and raw bytes) that together end in a newline. */
export type LinesText = string | ReadonlyArray<string | Buffer>

export interface BatchLogHead {
  /** Unique per request across processes and restarts: the writer's segment prefix and a counter. */
  seq: string
  /** Arrival time, local time of the site's zone: the `ts` of every event of the batch. */
  ts: string
  ip: string
  userAgent: string
  /** The server's visit number for this visitor. */
  visitCount: number
  /** Events refused when the request was answered (their indexes in `batch.events`): never loaded. */
  rejected: Rejection[]
}

/** The log line of one request: the body as received when it can sit on one line as it is, else re-serialized. */
export function batchLogLine(head: BatchLogHead, body: Buffer, parsed: unknown): LinesText {
  const skip = head.rejected.length === 0 ? '[]' : `[${head.rejected.map((r) => r.index).join(',')}]`
  const start =
    `{"probe_batch":${LOG_RECORD_VERSION},"seq":${JSON.stringify(head.seq)},"ts":${JSON.stringify(head.ts)},"ip":${JSON.stringify(head.ip)},` +
    `"user_agent":${JSON.stringify(head.userAgent)},"visit_count":${head.visitCount},"skip":${skip},"batch":`
  // Valid UTF-8 (so the bytes mean what was parsed) without line breaks (JSON allows them between tokens).
  if (body.indexOf(0x0a) === -1 && body.indexOf(0x0d) === -1 && isUtf8(body)) return [start, body, '}\n']
  return `${start}${JSON.stringify(parsed)}}\n`
}

/** A canonical probe row, as `ccx ingest probe` reads it (the columns of raw_probe_events). */
export type ProbeRow = Record<string, string | number | null>

export interface BatchRows {
  rows: ProbeRow[]
  /** Events that fail validation now although they were accepted then (a changed rule): quarantined, not lost. */
  problems: Array<{field: string; reason: string}>
}

/**
 * Expands one log line (parsed) into probe rows: the events accepted when the request was answered, in order. Throws
 * a BatchError naming the field when the line itself is not a log record.
 */
export function batchLogRows(record: Record<string, unknown>): BatchRows {
  if (record.probe_batch !== LOG_RECORD_VERSION)
    throw new BatchError(422, 'probe_batch', `unknown log record version ${JSON.stringify(record.probe_batch)}`)
  for (const field of ['seq', 'ts', 'ip', 'user_agent'] as const) {
    if (typeof record[field] !== 'string') throw new BatchError(422, field, 'must be a string')
  }
  if (!Number.isInteger(record.visit_count)) throw new BatchError(422, 'visit_count', 'must be an integer')
  const skip = record.skip
  if (!Array.isArray(skip) || !skip.every((i) => Number.isInteger(i))) throw new BatchError(422, 'skip', 'must be a list of event indexes')
  const {seq, ts, ip, user_agent: userAgent} = record as Record<string, string>
  const {batch, rejected} = validateBatch(record.batch)
  const skipped = new Set(skip as number[])
  const rejectedNow = new Set(rejected.map((r) => r.index))
  const problems = rejected
    .filter((r) => !skipped.has(r.index))
    .map((r) => ({field: `batch.events[${r.index}].${r.field}`, reason: r.reason}))
  const rows: ProbeRow[] = []
  // validateBatch keeps the accepted events in order: walk the original indexes alongside
  let k = 0
  const total = (record.batch as {events: unknown[]}).events.length
  for (let index = 0; index < total; index++) {
    if (rejectedNow.has(index)) continue
    const e = batch.events[k++]!
    if (!skipped.has(index)) rows.push(probeRow(batch, e, index, seq, ts, ip, userAgent, record.visit_count as number))
  }
  return {rows, problems}
}

function probeRow(
  batch: ProbeBatch,
  e: ProbeBatch['events'][number],
  index: number,
  seq: string,
  ts: string,
  ip: string,
  userAgent: string,
  visitCount: number,
): ProbeRow {
  const clientTs = e.ts === undefined || e.ts === null ? 'null' : String(e.ts)
  return {
    // the client's id when it sent one; else the request's sequence number and the event's place in it (stable: loading
    // the same segment again yields the same ids, so nothing is counted twice)
    event_id: `${batch.site}:${batch.visitor_id}:${e.id ?? `${seq}-${index}`}`,
    ts,
    site: batch.site,
    visitor_id: batch.visitor_id,
    type: e.type,
    url: e.url ?? null,
    title: e.title ?? null,
    referrer: e.type === 'pageview' ? (e.referrer ?? null) : null,
    ip,
    user_agent: userAgent,
    x: e.x ?? null,
    y: e.y ?? null,
    selector: e.selector ?? null,
    member_id: e.member_id ?? null,
    visit_count: visitCount,
    directive_id: e.directive_id ?? null,
    ref_id: e.ref_id ?? null,
    value: e.value ?? null,
    // props holds JSON text: {"client_ts":…,"data":…}
    props: e.props ? `{"client_ts":${clientTs},"data":${JSON.stringify(e.props)}}` : `{"client_ts":${clientTs}}`,
  }
}
