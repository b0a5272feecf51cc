import {storedColumns, type SourceSpec, type StoredColumn} from '../vocab/sources.js'

/**
 * The insert statements of a source, derived from its field specs (src/vocab/sources.ts): which column of which raw
 * table holds which field, contacts as hash + masked form, and the bookkeeping columns. `ccx_rows` holds one row per
 * input row with a column per field (canonical values), `__line` and, for calls and chats, `quality`.
 */

/** What a stored column is made of, as SQL over ccx_rows. */
export function storedExpr(c: StoredColumn, ingestId: number): string {
  if (c.column === 'ingest_id') return String(ingestId)
  if (c.column === 'quality') return 'quality'
  const kind = c.column.split('_')[0]!
  if (c.part === 'hash') return `ccx_hash(ccx_${kind}_norm(${c.field}))`
  if (c.part === 'masked') return `ccx_${kind}_mask(ccx_${kind}_norm(${c.field}))`
  return c.field!
}

/** Columns of one table that an insert fills (event_key has its default). */
export function insertColumns(spec: SourceSpec, table: string): StoredColumn[] {
  return storedColumns(spec).filter((c) => c.table === table && c.column !== 'event_key')
}

/** Time-order flags (docs/formats.md "Data quality"): NULL when the times are in order. */
export const QUALITY_SQL: Partial<Record<string, string>> = {
  calls: `nullif(concat_ws(',',
    case when answered_at < offered_at then 'answer_before_offer' end,
    case when answered_at is not null and ended_at < answered_at then 'end_before_answer' end,
    case when answered_at is null and ended_at < offered_at then 'end_before_offer' end), '')`,
  chats: `nullif(concat_ws(',',
    case when answered_at < requested_at then 'answer_before_request' end,
    case when answered_at is not null and ended_at < answered_at then 'end_before_answer' end,
    case when answered_at is null and ended_at < requested_at then 'end_before_request' end), '')`,
}

/** A single-table source's rows as they will be stored: `ccx_out` (plus __line, __src = the ccx_rows row, __content for conflicts). */
export function outSql(spec: SourceSpec, ingestId: number): string {
  const table = spec.tables[0]!
  const cols = insertColumns(spec, table)
  const data = cols.filter((c) => c.column !== 'ingest_id' && c.column !== 'quality')
  const content = `md5(concat_ws(chr(31), ${data.map((c) => `coalesce(${storedExpr(c, ingestId)}::VARCHAR, chr(0))`).join(', ')}))`
  return `create temp table ccx_out as select ${cols.map((c) => `${storedExpr(c, ingestId)} as ${c.column}`).join(', ')},
    __line, rowid as __src, ${content} as __content, row_number() over () as __rid from ccx_rows`
}

/** The same content hash over a raw table's stored row (to compare with ccx_out.__content). */
export function contentSql(spec: SourceSpec, alias: string): string {
  const data = insertColumns(spec, spec.tables[0]!).filter((c) => c.column !== 'ingest_id' && c.column !== 'quality')
  return `md5(concat_ws(chr(31), ${data.map((c) => `coalesce(${alias}.${c.column}::VARCHAR, chr(0))`).join(', ')}))`
}

export function keyColumns(spec: SourceSpec): string[] {
  return spec.keyColumns[spec.tables[0]!]!
}

/** `insert or ignore` of ccx_out into the source's table (raw_agent_states, without a key index: anti-join). */
export function insertOutSql(spec: SourceSpec): string {
  const table = spec.tables[0]!
  const cols = insertColumns(spec, table).map((c) => c.column)
  const key = keyColumns(spec)
  if (table === 'raw_agent_states') {
    return `insert into ${table} (${cols.join(', ')}) select ${cols.join(', ')} from ccx_out o
      where __rid in (select min(__rid) from ccx_out group by ${key.join(', ')})
        and not exists (select 1 from ${table} t where ${key.map((k) => `t.${k} = o.${k}`).join(' and ')})`
  }
  return `insert or ignore into ${table} (${cols.join(', ')}) select ${cols.join(', ')} from ccx_out order by __rid`
}

/** chats: conversations (aggregated from the message rows, as the spec's `agg` says) and messages. */
export function chatsInsertSql(spec: SourceSpec, ingestId: number): {conversations: string; messages: string} {
  const conv = insertColumns(spec, 'raw_conversations')
  const convExpr = (c: StoredColumn): string => {
    if (c.column === 'ingest_id') return String(ingestId)
    if (c.column === 'conversation_id') return 'conversation_id'
    if (c.column === 'quality') return QUALITY_SQL.chats!
    return spec.fields.find((f) => f.name === c.field)!.agg!
  }
  // quality is computed over the aggregated times, so the aggregation is a subquery.
  const plain = conv.filter((c) => c.column !== 'quality')
  const conversations = `insert or ignore into raw_conversations (${conv.map((c) => c.column).join(', ')})
    select ${plain.map((c) => c.column).join(', ')}, ${QUALITY_SQL.chats} from (
      select ${plain.map((c) => `${convExpr(c)} as ${c.column}`).join(', ')} from ccx_rows group by conversation_id)`
  const msg = insertColumns(spec, 'raw_messages')
  const messages = `insert or ignore into raw_messages (${msg.map((c) => c.column).join(', ')})
    select ${msg.map((c) => storedExpr(c, ingestId)).join(', ')} from ccx_rows where seq is not null`
  return {conversations, messages}
}

/** Raw contact values kept with --keep-contacts. */
export function keepContactsSql(spec: SourceSpec): string[] {
  return spec.fields
    .filter((f) => f.contact)
    .map(
      (f) =>
        `insert or ignore into contacts_raw select distinct '${f.contact}', ccx_hash(n), n from (select ccx_${f.contact}_norm(${f.name}) n from ccx_rows) where n is not null`,
    )
}
