import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {CcxError, EXIT} from '../errors.js'
import type {Store} from '../store/store.js'
import {sqlString as q} from '../store/values.js'
import {resolveColumns, type ColumnMap} from './mapping.js'
import type {FieldKind, SourceSpec} from './sources.js'

/** A delimited UTF-8 file DuckDB's read_csv can take (the input itself, or a canonical temp file). */
export interface CsvInput {
  path: string
  delimiter: string
  newline: '\n' | '\r\n'
  header: string[]
  /** Header names are already the source's field names (a canonical temp file): no --map. */
  premapped: boolean
  /** First column `__line` holds the original file's line number. */
  lineColumn: boolean
  /** Sampled timestamps carry a UTC offset or Z: read them as TIMESTAMPTZ, convert to the site's time zone. */
  offsets?: boolean
}

/** `2026-10-29T10:00:00+08:00`, `...Z`, `... +0800`: a timestamp with an explicit offset. */
export const OFFSET_TS_RE = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s?(?:Z|[+-]\d{2}:?\d{2})(?=["\t,;|\r\n]|$)/m

export interface LoadContext {
  store: Store
  spec: SourceSpec
  ingestId: number
  /** The user's file, as named in quarantine rows. */
  file: string
  map: ColumnMap
  /** strptime format, 'epoch' or 'epoch_ms'; default: ISO-like `YYYY-MM-DD HH:MM:SS`. */
  tsFormat?: string
  timezone: string
  keepContacts: boolean
  /** Called while long statements run, with DuckDB's progress (0..1). */
  onFraction?: (fraction: number) => void
}

export interface LoadCounts {
  read: number
  loaded: number
  duplicate: number
  quarantined: number
}

export const MAX_LINE_SIZE = 2 * 1024 * 1024
const REJECTS = 'ccx_rejects'
const REJECTS_SCAN = 'ccx_rejects_scan'

function readType(kind: FieldKind, tsFormat?: string, offsets?: boolean): string {
  switch (kind) {
    case 'timestamp':
      return tsFormat === 'epoch' || tsFormat === 'epoch_ms' ? 'DOUBLE' : offsets && !tsFormat ? 'TIMESTAMPTZ' : 'TIMESTAMP'
    case 'int':
      return 'INTEGER'
    case 'bigint':
      return 'BIGINT'
    case 'double':
      return 'DOUBLE'
    case 'bool':
      return 'BOOLEAN'
    case 'probe_type':
      return 'ccx_probe_event_type'
    default:
      return 'VARCHAR'
  }
}

function targetType(kind: FieldKind): string {
  return kind === 'probe_type' ? 'VARCHAR' : readType(kind)
}

const REASON_BY_KIND: Record<FieldKind, string> = {
  timestamp: 'bad_timestamp',
  probe_type: 'unknown_event_type',
  int: 'bad_number',
  bigint: 'bad_number',
  double: 'bad_number',
  bool: 'bad_boolean',
  text: 'bad_value',
}

/** Runs a statement, reporting DuckDB's progress meanwhile; returns rows changed. */
async function runTracked(ctx: LoadContext, sql: string): Promise<number> {
  const timer = ctx.onFraction
    ? setInterval(() => {
        const p = ctx.store.connection.progress.percentage
        if (p >= 0) ctx.onFraction!(Math.min(1, p / 100))
      }, 200)
    : undefined
  try {
    const result = await ctx.store.connection.run(sql)
    return Number(result.rowsChanged)
  } finally {
    if (timer) clearInterval(timer)
  }
}

async function count(store: Store, sql: string): Promise<number> {
  return Number((await store.scalar(sql)) ?? 0)
}

/**
 * Loads one delimited file: DuckDB's typed read_csv reports bad rows (column count, casts incl. unknown
 * event types via an ENUM, invalid UTF-8, over-long lines) into a rejects table, copied to `quarantine`;
 * good rows go to raw_* with duplicates (natural key) left out. Runs inside the caller's transaction.
 */
export async function loadCsv(ctx: LoadContext, input: CsvInput): Promise<LoadCounts> {
  const {spec, store} = ctx
  const resolved = resolveColumns(input.header, spec, input.premapped ? {} : ctx.map, ctx.file)
  if (resolved.missingRequired.length > 0) {
    throw new CcxError(
      `${ctx.file}: required column${resolved.missingRequired.length > 1 ? 's' : ''} ${resolved.missingRequired.join(', ')} not found in the header`,
      {
        code: 'MISSING_COLUMN',
        exit: EXIT.badInput,
        suggestions: [
          `The header has: ${input.header.join(', ')}`,
          `Map your column names, e.g. --map ${resolved.missingRequired[0]}=<your column>, or --map-file mapping.json (docs/formats.md).`,
        ],
      },
    )
  }
  const fieldOf = new Map<number, (typeof spec.fields)[number]>()
  for (const [name, k] of resolved.index)
    fieldOf.set(
      k,
      spec.fields.find((f) => f.name === name)!,
    )
  const lineIdx = input.lineColumn ? input.header.indexOf('__line') : -1
  const strptime = ctx.tsFormat && ctx.tsFormat !== 'epoch' && ctx.tsFormat !== 'epoch_ms' ? ctx.tsFormat : undefined

  const columns = input.header.map(
    (_, k) =>
      `${q(`c${k}`)}: ${q(k === lineIdx ? 'BIGINT' : fieldOf.has(k) ? readType(fieldOf.get(k)!.kind, ctx.tsFormat, input.offsets) : 'VARCHAR')}`,
  )
  const forceNotNull = [...fieldOf].filter(([, f]) => f.required).map(([k]) => q(`c${k}`))
  const readCsv = `read_csv(${q(input.path)}, header = true, auto_detect = false, delim = ${q(input.delimiter)}, quote = '"', escape = '"',
    new_line = ${q(input.newline === '\r\n' ? '\\r\\n' : '\\n')}, max_line_size = ${MAX_LINE_SIZE}, null_padding = false,
    columns = {${columns.join(', ')}}${forceNotNull.length > 0 ? `, force_not_null = [${forceNotNull.join(', ')}]` : ''}
    ${strptime ? `, timestampformat = ${q(strptime)}` : ''}, store_rejects = true, rejects_table = '${REJECTS}', rejects_scan = '${REJECTS_SCAN}')`

  const fieldExpr = (name: string): string => {
    const f = spec.fields.find((x) => x.name === name)!
    const k = resolved.index.get(name)
    if (k === undefined) return `NULL::${targetType(f.kind)}`
    const c = `c${k}`
    if (f.kind === 'timestamp' && ctx.tsFormat === 'epoch') return `timezone(${q(ctx.timezone)}, to_timestamp(${c}))`
    if (f.kind === 'timestamp' && ctx.tsFormat === 'epoch_ms') return `timezone(${q(ctx.timezone)}, to_timestamp(${c} / 1000.0))`
    // TIMESTAMPTZ → TIMESTAMP uses the session TimeZone, which ingestFiles sets to the site's zone.
    if (f.kind === 'timestamp' && input.offsets && !ctx.tsFormat) return `${c}::TIMESTAMP`
    if (f.kind === 'probe_type') return `${c}::VARCHAR`
    return c
  }
  const headerName = (k: number) => (fieldOf.get(k)?.name ?? input.header[k]!.trim()) || `column ${k + 1}`
  const extrasJson =
    resolved.extras.length > 0
      ? `json_object(${resolved.extras.map((k) => `${q(input.header[k]!.trim() || `column${k + 1}`)}, c${k}`).join(', ')})`
      : undefined
  const selectList = (): string => {
    const parts = spec.fields.map((f) => {
      if (f.name === 'props' && extrasJson) {
        const p = fieldExpr('props')
        return `case when ${p} is null or trim(${p}) = '' then ${extrasJson} when json_valid(${p}) and left(trim(${p}), 1) = '{' then json_merge_patch(${p}, ${extrasJson})::VARCHAR else ${p} end as props`
      }
      return `${fieldExpr(f.name)} as ${f.name}`
    })
    parts.push(lineIdx >= 0 ? `c${lineIdx} as __line` : 'NULL::BIGINT as __line')
    return parts.join(',\n      ')
  }

  await store.run(
    `drop table if exists ${REJECTS}; drop table if exists ${REJECTS_SCAN}; drop table if exists ccx_stage; drop table if exists ccx_rows`,
  )
  const counts: LoadCounts = {read: 0, loaded: 0, duplicate: 0, quarantined: 0}
  const direct = spec.name === 'probe' && lineIdx < 0
  let source: string
  if (direct) {
    // Fast path: straight from the file into raw_probe_events (every column is referenced: a DuckDB
    // projection-pushdown bug with store_rejects otherwise).
    source = `(select ${selectList()} from ${readCsv})`
  } else {
    await runTracked(ctx, `create temp table ccx_stage as select * from ${readCsv}`)
    await store.run(`create temp table ccx_rows as select ${selectList()} from ccx_stage; drop table ccx_stage`)
    source = 'ccx_rows'
  }

  // Rows DuckDB rejected → quarantine, one row per line (the first error of the line names the field).
  const fieldCase = `case column_name ${input.header.map((_, k) => `when 'c${k}' then ${q(headerName(k))}`).join(' ')} else column_name end`
  const castReason = `case ${[...fieldOf].map(([k, f]) => `when column_name = 'c${k}' then '${REASON_BY_KIND[f.kind]}'`).join(' ')} else 'bad_value' end`
  const lineExpr = lineIdx >= 0 ? `coalesce(try_cast(regexp_extract(csv_line, '^"?([0-9]+)', 1) as BIGINT), line)` : 'line'
  const quarantineRejects = async (): Promise<number> =>
    runTracked(
      ctx,
      `insert into quarantine (ingest_id, source, file, line, field, reason, raw, quarantined_at)
       select ${ctx.ingestId}, ${q(spec.name)}, ${q(ctx.file)}, ${lineExpr}, field_name,
         case error_type
           when 'MISSING COLUMNS' then 'wrong_column_count'
           when 'TOO MANY COLUMNS' then 'wrong_column_count'
           when 'INVALID ENCODING' then 'invalid_utf8'
           when 'INVALID UNICODE' then 'invalid_utf8'
           when 'LINE SIZE OVER MAXIMUM' then 'line_too_long'
           when 'UNQUOTED VALUE' then 'bad_quoting'
           when 'CAST' then case when error_message like '%string ""%' or error_message not like '%Could not convert%' then 'missing_value' else ${castReason} end
           else lower(replace(error_type, ' ', '_')) end || ': ' || regexp_replace(error_message, 'column "c[0-9]+"', 'column "' || coalesce(field_name, '?') || '"'),
         left(trim(csv_line, chr(13) || chr(10)), 65536), now()::TIMESTAMP
       from (select line, first(column_name order by column_idx nulls first) column_name, first(error_type order by column_idx nulls first) error_type,
               first(error_message order by column_idx nulls first) error_message, first(csv_line) csv_line
             from ${REJECTS} group by line) r, lateral (select ${fieldCase} as field_name) f`,
    )

  const requiredText = spec.fields.filter((f) => f.required && f.kind === 'text').map((f) => f.name)
  const emptyCase = `case ${requiredText.map((n) => `when ${n} is null or trim(${n}) = '' then '${n}'`).join(' ')} end`
  const rawExpr = (cols: string[]) =>
    `left(concat_ws(${q(input.delimiter)}, ${cols.map((c) => `coalesce(${c}::VARCHAR, '')`).join(', ')}), 65536)`

  if (spec.name === 'probe') {
    const f = spec.fields.map((x) => x.name)
    const contentKey = `md5(concat_ws(chr(31), ${f
      .filter((n) => n !== 'event_id')
      .map((n) => `coalesce(${n}::VARCHAR, '')`)
      .join(', ')}))`
    const insertProbe = `insert into raw_probe_events (${f.join(', ')}, ingest_id)
      select coalesce(nullif(trim(event_id), ''), ${contentKey}), ${f.filter((n) => n !== 'event_id').join(', ')}, ${ctx.ingestId} from ${source}`
    if (!direct) {
      // Staged rows carry their line numbers: quarantine missing site / visitor before inserting.
      counts.quarantined += await store.connection
        .run(
          `insert into quarantine select ${ctx.ingestId}, 'probe', ${q(ctx.file)}, __line, ${emptyCase}, 'missing_value: ' || ${emptyCase} || ' is empty', ${rawExpr(f)}, now()::TIMESTAMP
           from ccx_rows where ${emptyCase} is not null`,
        )
        .then((r) => Number(r.rowsChanged))
      await store.run(`delete from ccx_rows where ${emptyCase} is not null`)
    }
    const inserted = await runTracked(ctx, insertProbe)
    let moved = 0
    if (direct) {
      // No line numbers for rows this path loaded: rows with an empty site / visitor are found again in the
      // file (a second pass, only when there are any), quarantined with their lines and removed.
      const bad = `ingest_id = ${ctx.ingestId} and (trim(site) = '' or trim(visitor_id) = '')`
      moved = await count(store, `select count(*) from raw_probe_events where ${bad}`)
      if (moved > 0) {
        const skip = new Set((await store.all<{line: number}>(`select distinct line from ${REJECTS}`)).map((r) => Number(r.line)))
        const cols = ['site', 'visitor_id'].map((field) => ({index: resolved.index.get(field)!, field}))
        const {locateEmptyFields} = await import('./locate.js')
        const located = await locateEmptyFields(input.path, input.delimiter, cols, skip, input.header.length)
        if (located.length === moved) {
          const tmp = join(mkdtempSync(join(tmpdir(), 'ccx-locate-')), 'rows.ndjson')
          writeFileSync(tmp, located.map((r) => JSON.stringify(r)).join('\n') + '\n')
          await store.run(
            `insert into quarantine select ${ctx.ingestId}, 'probe', ${q(ctx.file)}, line, field, 'missing_value: ' || field || ' is empty', raw, now()::TIMESTAMP
             from read_json(${q(tmp)}, format = 'newline_delimited', columns = {line: 'BIGINT', field: 'VARCHAR', raw: 'VARCHAR'})`,
          )
          rmSync(dirname(tmp), {recursive: true, force: true})
        } else {
          await store.run(
            `insert into quarantine select ${ctx.ingestId}, 'probe', ${q(ctx.file)}, NULL, ${emptyCase}, 'missing_value: ' || ${emptyCase} || ' is empty (line unknown)', ${rawExpr(f)}, now()::TIMESTAMP
             from raw_probe_events where ${bad}`,
          )
        }
        await store.run(`delete from raw_probe_events where ${bad}`)
        counts.quarantined += moved
      }
    }
    const hasOlder =
      (await count(store, `select count(*) from (select 1 from raw_probe_events where ingest_id <> ${ctx.ingestId} limit 1)`)) > 0
    // Natural key: a repeated event_id within the file, or one an earlier ingest loaded, is a duplicate.
    const dupes = await store.connection
      .run(
        `delete from raw_probe_events where ingest_id = ${ctx.ingestId} and rowid in (
           select rowid from raw_probe_events where ingest_id = ${ctx.ingestId}
             and rowid not in (select min(rowid) from raw_probe_events where ingest_id = ${ctx.ingestId} group by event_id)
           ${hasOlder ? `union all select rowid from raw_probe_events where ingest_id = ${ctx.ingestId} and event_id in (select event_id from raw_probe_events where ingest_id <> ${ctx.ingestId})` : ''})`,
      )
      .then((r) => Number(r.rowsChanged))
    counts.read = direct ? inserted : inserted + counts.quarantined
    counts.loaded = inserted - moved - dupes
    counts.duplicate = dupes
  } else {
    const fields = spec.fields.map((x) => x.name)
    if (requiredText.length > 0) {
      counts.quarantined += await store.connection
        .run(
          `insert into quarantine select ${ctx.ingestId}, ${q(spec.name)}, ${q(ctx.file)}, __line, ${emptyCase}, 'missing_value: ' || ${emptyCase} || ' is empty', ${rawExpr(fields)}, now()::TIMESTAMP
           from ccx_rows where ${emptyCase} is not null`,
        )
        .then((r) => Number(r.rowsChanged))
      await store.run(`delete from ccx_rows where ${emptyCase} is not null`)
    }
    if (spec.name === 'chats') counts.quarantined += await checkChats(ctx, rawExpr(fields))
    const staged = await count(store, 'select count(*) from ccx_rows')
    counts.loaded = await insertSource(ctx)
    counts.duplicate = staged - counts.loaded
    counts.read = staged + counts.quarantined
  }
  const rejected = await quarantineRejects()
  counts.read += rejected
  counts.quarantined += rejected
  await store.run(`drop table if exists ccx_rows; drop table if exists ${REJECTS}; drop table if exists ${REJECTS_SCAN}`)
  return counts
}

/** chats: a message row needs seq, ts and sender_type; a conversation needs requested_at or a message time. */
async function checkChats(ctx: LoadContext, raw: string): Promise<number> {
  const {store} = ctx
  const missing = `case when seq is null then 'seq' when ts is null then 'ts' when sender_type is null or trim(sender_type) = '' then 'sender_type' end`
  const partial = `(seq is not null or ts is not null or sender_type is not null or sender_id is not null or text is not null) and ${missing} is not null`
  let n = await store.connection
    .run(
      `insert into quarantine select ${ctx.ingestId}, 'chats', ${q(ctx.file)}, __line, ${missing}, 'missing_value: message ' || ${missing} || ' is empty', ${raw}, now()::TIMESTAMP
       from ccx_rows where ${partial}`,
    )
    .then((r) => Number(r.rowsChanged))
  await store.run(`delete from ccx_rows where ${partial}`)
  const noTime = `conversation_id in (select conversation_id from ccx_rows group by conversation_id having min(requested_at) is null and min(ts) is null)`
  n += await store.connection
    .run(
      `insert into quarantine select ${ctx.ingestId}, 'chats', ${q(ctx.file)}, __line, 'requested_at', 'missing_value: conversation has no requested_at and no message times', ${raw}, now()::TIMESTAMP
       from ccx_rows where ${noTime}`,
    )
    .then((r) => Number(r.rowsChanged))
  await store.run(`delete from ccx_rows where ${noTime}`)
  return n
}

const DIRECTION = `case when lower(trim(direction)) in ('in', 'inbound', 'incoming', 'i', '呼入', '来电', '入') then 'inbound'
  when lower(trim(direction)) in ('out', 'outbound', 'outgoing', 'o', '呼出', '去电', '外呼', '出') then 'outbound' else lower(trim(direction)) end`
const SPEAKER = `case when lower(trim(speaker)) in ('agent', 'a', 'staff', '坐席', '客服', '座席') then 'agent'
  when lower(trim(speaker)) in ('customer', 'c', 'caller', 'client', '客户', '顾客') then 'customer' else lower(trim(speaker)) end`

/** Inserts ccx_rows into the source's raw table(s), skipping rows whose natural key exists; returns rows that added something. */
async function insertSource(ctx: LoadContext): Promise<number> {
  const {store, ingestId: id} = ctx
  const exec = async (sql: string) => Number((await store.connection.run(sql)).rowsChanged)
  const keep = async (kind: string, norm: string) => {
    if (ctx.keepContacts)
      await exec(
        `insert or ignore into contacts_raw select distinct '${kind}', ccx_hash(n), n from (select ${norm} n from ccx_rows) where n is not null`,
      )
  }
  switch (ctx.spec.name) {
    case 'calls':
      await keep('phone', 'ccx_phone_norm(phone)')
      return exec(`insert or ignore into raw_calls (call_id, site, direction, queue, agent_id, customer_id, phone_hash, phone_masked, visitor_id, offered_at, answered_at,
          ended_at, hold_s, wrap_s, disposition, outcome, campaign, csat, transferred_from, ingest_id)
        select call_id, site, ${DIRECTION}, queue, agent_id, customer_id, ccx_hash(ccx_phone_norm(phone)), ccx_phone_mask(ccx_phone_norm(phone)), visitor_id, offered_at,
          answered_at, ended_at, hold_s, wrap_s, lower(trim(disposition)), outcome, campaign, csat, transferred_from, ${id} from ccx_rows`)
    case 'transcripts':
      return exec(`insert or ignore into raw_transcript_turns (call_id, turn_no, speaker, start_ms, end_ms, text, confidence, ingest_id)
        select call_id, turn_no, ${SPEAKER}, start_ms, end_ms, text, confidence, ${id} from ccx_rows`)
    case 'leads':
      await keep('phone', 'ccx_phone_norm(phone)')
      await keep('email', 'ccx_email_norm(email)')
      await keep('wechat', 'ccx_wechat_norm(wechat)')
      return exec(`insert or ignore into raw_leads (lead_id, ts, site, visitor_id, conversation_id, call_id, channel, agent_id, product, intent, status,
          phone_hash, phone_masked, email_hash, email_masked, wechat_hash, wechat_masked, ingest_id)
        select lead_id, ts, site, visitor_id, conversation_id, call_id, channel, agent_id, product, intent, status,
          ccx_hash(ccx_phone_norm(phone)), ccx_phone_mask(ccx_phone_norm(phone)), ccx_hash(ccx_email_norm(email)), ccx_email_mask(ccx_email_norm(email)),
          ccx_hash(ccx_wechat_norm(wechat)), ccx_wechat_mask(ccx_wechat_norm(wechat)), ${id} from ccx_rows`)
    case 'orders':
      return exec(`insert or ignore into raw_orders (order_id, ts, site, visitor_id, lead_id, customer_id, agent_id, channel, product, quantity, amount, currency, ingest_id)
        select order_id, ts, site, visitor_id, lead_id, customer_id, agent_id, channel, product, quantity, amount, currency, ${id} from ccx_rows`)
    case 'chats': {
      await exec(`insert or ignore into raw_conversations (conversation_id, site, channel, visitor_id, customer_id, queue, agent_id, requested_at, answered_at, ended_at,
          csat, resolved, outcome, ingest_id)
        select conversation_id, any_value(site), coalesce(lower(any_value(channel)), 'web'), any_value(visitor_id), any_value(customer_id), any_value(queue),
          any_value(agent_id), coalesce(min(requested_at), min(ts)), min(answered_at), max(ended_at), any_value(csat), any_value(resolved), any_value(outcome), ${id}
        from ccx_rows group by conversation_id`)
      const messages = await exec(`insert or ignore into raw_messages (conversation_id, seq, ts, sender_type, sender_id, text, ingest_id)
        select conversation_id, seq, ts, lower(trim(sender_type)), sender_id, text, ${id} from ccx_rows where seq is not null`)
      const bare = await count(
        store,
        `select count(*) from raw_conversations where ingest_id = ${id} and conversation_id in (select conversation_id from ccx_rows where seq is null)
           and conversation_id not in (select conversation_id from ccx_rows where seq is not null)`,
      )
      return messages + bare
    }
    default:
      throw new Error(`no loader for ${ctx.spec.name}`)
  }
}
