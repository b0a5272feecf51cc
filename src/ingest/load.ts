import {CcxError, EXIT} from '../errors.js'
import type {Store} from '../store/store.js'
import {sqlString as q} from '../store/values.js'
import type {SourceSpec} from '../vocab/sources.js'
import {compileExpression, type CompiledExpr} from './expressions.js'
import {chatsInsertSql, contentSql, insertColumns, insertOutSql, keepContactsSql, keyColumns, outSql, QUALITY_SQL} from './insert.js'
import {resolveColumns, type Mapping, type ResolvedColumns} from './mapping.js'
import {buildPlan, PLAN_MACROS, V, type LoadPlan} from './plan.js'
import {relocateRecords} from './relocate.js'

/** A delimited UTF-8 file DuckDB's read_csv can take (the input itself, or a canonical temp file). */
export interface CsvInput {
  path: string
  delimiter: string
  newline: '\n' | '\r\n'
  header: string[]
  /** The first line is a header (false for headerless formats such as Asterisk's Master.csv). */
  hasHeader: boolean
  /** Header names are already the source's field names (a canonical temp file): the mapping was applied. */
  premapped: boolean
  /** First column `__line` holds the original file's line number. */
  lineColumn: boolean
  /** Sampled timestamps carry a UTC offset or Z: parse them as such and convert to the site's time zone. */
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
  mapping: Mapping
  timezone: string
  keepContacts: boolean
  /** Keep the staged rows readable for a preview (no fast path). */
  dryRun?: boolean
  /** Called while long statements run, with DuckDB's progress (0..1). */
  onFraction?: (fraction: number) => void
}

export interface LoadCounts {
  read: number
  loaded: number
  duplicate: number
  quarantined: number
  /** Skipped by a row filter ($skip): not loaded, not bad. */
  filtered: number
  /** Loaded with a time-order quality flag (warnings). */
  flagged: number
}

export interface LoadResult extends LoadCounts {
  filters: Record<string, number>
  resolved: ResolvedColumns
  /** dry run: the first rows as they would be stored. */
  preview?: Array<Record<string, unknown>>
}

export const MAX_LINE_SIZE = 2 * 1024 * 1024
const REJECTS = 'ccx_rejects'
const REJECTS_SCAN = 'ccx_rejects_scan'

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

async function exec(store: Store, sql: string): Promise<number> {
  return Number((await store.connection.run(sql)).rowsChanged)
}

async function count(store: Store, sql: string): Promise<number> {
  return Number((await store.scalar(sql)) ?? 0)
}

/** Resolves the mapping against the header and compiles its expressions and filters. */
async function prepare(ctx: LoadContext, input: CsvInput): Promise<{resolved: ResolvedColumns; plan: LoadPlan}> {
  const {spec, store, mapping} = ctx
  const exprs = new Map<string, CompiledExpr>()
  const filters: Array<{name: string; compiled: CompiledExpr}> = []
  const referenced: number[] = []
  if (!input.premapped) {
    for (const [name, m] of Object.entries(mapping.fields)) {
      if (m.kind !== 'expr') continue
      const compiled = await compileExpression(store, m.expr, input.header, {what: name, origin: m.origin, file: ctx.file})
      exprs.set(name, compiled)
      referenced.push(...compiled.columns)
    }
    for (const f of mapping.filters) {
      const compiled = await compileExpression(store, f.where, input.header, {what: `$skip "${f.name}"`, origin: f.origin, file: ctx.file})
      if (compiled.type !== 'BOOLEAN')
        throw new CcxError(`${f.origin}: $skip "${f.name}": ${JSON.stringify(f.where)} is ${compiled.type}, not a condition (true/false)`, {
          code: 'MAP_FILE',
          exit: EXIT.invalidConfig,
        })
      filters.push({name: f.name, compiled})
      referenced.push(...compiled.columns)
    }
  }
  const premapped: Mapping = {fields: {}, nulls: [], filters: []}
  const resolved = resolveColumns(input.header, spec, input.premapped ? premapped : mapping, ctx.file, referenced)
  if (resolved.missingRequired.length > 0) {
    const names = resolved.missingRequired
    throw new CcxError(`${ctx.file}: required field${names.length > 1 ? 's' : ''} ${names.join(', ')} not found in the header`, {
      code: 'MISSING_COLUMN',
      exit: EXIT.badInput,
      suggestions: [
        `The header has: ${input.header.map((h) => h.trim()).join(', ')}`,
        `Map your column names, e.g. --map ${names[0]}=<your column>, a constant --map "${names[0]}='value'", or an expression in --map-file (docs/formats.md).`,
      ],
    })
  }
  const plan = buildPlan({
    spec,
    header: input.header,
    resolved,
    exprs,
    filters,
    tsFormat: input.premapped ? undefined : mapping.tsFormat,
    offsets: Boolean(input.offsets),
    timezone: ctx.timezone,
    file: ctx.file,
  })
  return {resolved, plan}
}

/**
 * Loads one delimited file inside the caller's transaction. DuckDB's typed read_csv reports structural and cast
 * errors with their lines (copied to `quarantine`); the plan's SQL checks quarantine the rest, whose lines are found
 * again by content; row filters count `filtered`; good rows go to raw_* with duplicates (natural key) left out and
 * rows whose key exists with other values quarantined (`conflicting_key`).
 */
export async function loadCsv(ctx: LoadContext, input: CsvInput): Promise<LoadResult> {
  const {spec, store} = ctx
  await store.run(PLAN_MACROS)
  const {resolved, plan} = await prepare(ctx, input)
  const lineIdx = input.lineColumn ? input.header.indexOf('__line') : -1
  const nulls = input.premapped ? [] : ctx.mapping.nulls
  const columns = input.header.map((_, k) => `${q(`c${k}`)}: ${q(k === lineIdx ? 'BIGINT' : plan.reads[k]!.type)}`)
  const forceNotNull = plan.reads.map((r, k) => (r.forceNotNull && k !== lineIdx ? q(`c${k}`) : '')).filter(Boolean)
  const strptime = !input.premapped && ctx.mapping.tsFormat && ctx.mapping.tsFormat.includes('%') ? ctx.mapping.tsFormat : undefined
  const readCsv = `read_csv(${q(input.path)}, header = ${input.hasHeader}, auto_detect = false, delim = ${q(input.delimiter)}, quote = '"', escape = '"',
    new_line = ${q(input.newline === '\r\n' ? '\\r\\n' : '\\n')}, max_line_size = ${MAX_LINE_SIZE}, null_padding = false,
    columns = {${columns.join(', ')}}${forceNotNull.length > 0 ? `, force_not_null = [${forceNotNull.join(', ')}]` : ''}
    ${nulls.length > 0 ? `, nullstr = [${['', ...nulls].map(q).join(', ')}]` : ''}
    ${strptime ? `, timestampformat = ${q(strptime)}` : ''}, store_rejects = true, rejects_table = '${REJECTS}', rejects_scan = '${REJECTS_SCAN}')`

  await store.run(
    `drop table if exists ${REJECTS}; drop table if exists ${REJECTS_SCAN}; drop table if exists ccx_stage; drop table if exists ccx_rows;
     drop table if exists ccx_out; drop table if exists ccx_q; drop table if exists ccx_conf;
     create temp table ccx_q (line BIGINT, field VARCHAR, reason VARCHAR, value VARCHAR, raw VARCHAR, key VARCHAR)`,
  )
  const textKey =
    plan.textColumns.length > 0 ? `md5(concat_ws(chr(31), ${plan.textColumns.map((k) => `coalesce(c${k}, '')`).join(', ')}))` : 'NULL'
  const rawLine = `left(concat_ws(${q(input.delimiter)}, ${input.header.map((_, k) => `coalesce(c${k}::VARCHAR, '')`).join(', ')}), 65536)`
  const problem = problemSql(plan)
  const result: LoadResult = {read: 0, loaded: 0, duplicate: 0, quarantined: 0, filtered: 0, flagged: 0, filters: {}, resolved}

  const direct = spec.name === 'probe' && lineIdx < 0 && plan.filters.length === 0 && !ctx.dryRun
  if (direct) await loadProbeDirect(ctx, input, plan, readCsv, problem, textKey, rawLine, resolved, result)
  else {
    await runTracked(ctx, `create temp table ccx_stage as select * from ${readCsv}`)
    const fieldCols = plan.fields.map((f) => `${f.sql} as ${f.field.name}`)
    const skip = plan.filters.length > 0 ? `case ${plan.filters.map((f) => `when ${f.sql} then ${q(f.name)}`).join(' ')} end` : 'NULL'
    try {
      await store.run(
        `create temp table ccx_rows as select *, ${problem} as __problem from (
           select ${fieldCols.join(', ')}, ${lineIdx >= 0 ? `c${lineIdx}` : 'NULL::BIGINT'} as __line, ${skip} as __skip,
             ${input.header.map((_, k) => `c${k}`).join(', ')} from ccx_stage)`,
      )
    } catch (error) {
      throw new CcxError(`${ctx.file}: the mapping does not apply to this file: ${(error as Error).message.split('\n')[0]}`, {
        code: 'MAP_APPLY',
        exit: EXIT.invalidConfig,
        suggestions: ['Run with --dry-run to see how each field resolves.'],
      })
    }
    await store.run('drop table ccx_stage')
    const staged = await count(store, 'select count(*) from ccx_rows')
    for (const r of await store.all<{name: string; n: number}>(
      `select __skip as name, count(*) as n from ccx_rows where __skip is not null group by 1`,
    ))
      result.filters[r.name] = Number(r.n)
    result.filtered = await exec(store, 'delete from ccx_rows where __skip is not null')
    await store.run(
      `insert into ccx_q select __line, __problem.f, __problem.r, __problem.v, ${rawLine}, ${textKey} from ccx_rows where __problem is not null`,
    )
    let bad = await exec(store, 'delete from ccx_rows where __problem is not null')
    if (spec.name === 'chats') bad += await checkChats(store, rawLine, textKey)
    if (spec.name === 'surveys') bad += await checkSurveyAnswers(store, rawLine, textKey)
    if (QUALITY_SQL[spec.name] && spec.name !== 'chats')
      await store.run(`alter table ccx_rows add column quality VARCHAR; update ccx_rows set quality = ${QUALITY_SQL[spec.name]}`)
    if (ctx.dryRun)
      result.preview = await store.all(
        `select ${plan.fields.map((f) => f.field.name).join(', ')} from ccx_rows order by __line nulls last limit 5`,
      )
    const inserted = await insertStaged(ctx, input, resolved, textKey)
    bad += inserted.conflicts
    result.loaded = inserted.loaded
    result.duplicate = staged - result.filtered - bad - inserted.loaded
    result.read = staged
    result.quarantined = bad
    result.flagged = inserted.flagged
  }

  const rejected = await quarantineRejects(ctx, input, resolved)
  result.read += rejected
  result.quarantined += rejected
  await relocate(ctx, input, plan, nulls)
  await store.run(
    `insert into quarantine (ingest_id, source, file, line, field, reason, raw, quarantined_at, value)
     select ${ctx.ingestId}, ${q(spec.name)}, ${q(ctx.file)}, line, field, reason, raw, now()::TIMESTAMP, value from ccx_q`,
  )
  await store.run(
    `drop table if exists ccx_rows; drop table if exists ccx_out; drop table if exists ccx_q; drop table if exists ${REJECTS}; drop table if exists ${REJECTS_SCAN}`,
  )
  return result
}

/** The first failing check of a row as {f: field, r: reason, v: value}, NULL when none fails. */
function problemSql(plan: LoadPlan): string {
  const whens = plan.fields.flatMap((f) =>
    f.checks.map((c) => {
      const sub = (s: string) => s.replaceAll(V, f.field.name)
      return `when ${sub(c.when)} then {'f': ${q(f.field.name)}, 'r': ${sub(c.reason)}, 'v': left(${sub(c.value)}, 1000)}`
    }),
  )
  return whens.length > 0 ? `case ${whens.join('\n      ')} end` : 'NULL'
}

/**
 * probe from a CSV file: straight from read_csv into raw_probe_events (no staged copy: 5 M events load about twice as
 * fast). Rows a check refuses are inserted marked (ingest_id = −id, the problem in props) and moved to quarantine.
 */
async function loadProbeDirect(
  ctx: LoadContext,
  input: CsvInput,
  plan: LoadPlan,
  readCsv: string,
  problem: string,
  textKey: string,
  rawLine: string,
  resolved: ResolvedColumns,
  result: LoadResult,
): Promise<void> {
  const {store, spec, ingestId: id} = ctx
  const names = spec.fields.map((f) => f.name)
  const notNull = new Set(spec.fields.filter((f) => f.required || f.notNull).map((f) => f.name))
  const inner = plan.fields.map((f) => `${f.sql} as ${f.field.name}`)
  const props = probePropsSql(input, resolved)
  const out = names.map((n) => {
    if (n === 'event_id') return `coalesce(nullif(trim(event_id), ''), ${probeContentKey(names)})`
    if (n === 'props') return `case when __p is not null then chr(1) || to_json(__p)::VARCHAR else ${props} end`
    if (!notNull.has(n)) return n
    return n === 'ts' ? `coalesce(ts, TIMESTAMP '1970-01-01')` : `coalesce(${n}, '')`
  })
  // Every column of the file is referenced (a DuckDB projection-pushdown bug with store_rejects otherwise).
  const all = input.header.map((_, k) => `c${k}`)
  const sql = `insert into raw_probe_events (${names.join(', ')}, ingest_id)
    select ${out.join(', ')}, case when __p is null then ${id} else ${-id} end from (
      select *, case when __p0 is null then NULL else struct_insert(__p0, k := ${textKey}, raw := ${rawLine}) end as __p from (
        select *, ${problem} as __p0 from (
          select ${inner.join(', ')}, ${all.join(', ')} from ${readCsv})))`
  const inserted = await runTracked(ctx, sql)
  const marked = await exec(
    store,
    `insert into ccx_q select NULL, json_extract_string(p, '$.f'), json_extract_string(p, '$.r'), json_extract_string(p, '$.v'),
       json_extract_string(p, '$.raw'), json_extract_string(p, '$.k')
     from (select substr(props, 2) as p from raw_probe_events where ingest_id = ${-id})`,
  )
  if (marked > 0) await store.run(`delete from raw_probe_events where ingest_id = ${-id}`)
  const dupes = await removeProbeDuplicates(store, id)
  result.read = inserted
  result.loaded = inserted - marked - dupes
  result.duplicate = dupes
  result.quarantined = marked
}

/** probe: extra columns of the file are merged into props (a JSON object). */
function probePropsSql(input: CsvInput, resolved: ResolvedColumns): string {
  const extras = resolved.extras.filter((k) => input.header[k] !== undefined)
  if (extras.length === 0) return 'props'
  const json = `json_object(${extras.map((k) => `${q(input.header[k]!.trim() || `column${k + 1}`)}, c${k}`).join(', ')})`
  return `case when props is null or trim(props) = '' then ${json} when json_valid(props) and left(trim(props), 1) = '{' then json_merge_patch(props, ${json})::VARCHAR else props end`
}

/** probe: an event without event_id is keyed by the md5 of its content (a re-sent identical event is a duplicate). */
function probeContentKey(names: string[]): string {
  return `md5(concat_ws(chr(31), ${names
    .filter((n) => n !== 'event_id')
    .map((n) => `coalesce(${n}::VARCHAR, '')`)
    .join(', ')}))`
}

/**
 * Natural key: a repeated event_id within the file, or one an earlier ingest loaded, is a duplicate. Candidates are the
 * rows whose event_id's 64-bit hash repeats (8 bytes a row to group, not the id's text: at 5 M events 2.0 → 0.5 s and
 * 350 MB less), and only candidates are compared on the id itself, so a hash collision never drops an event.
 */
async function removeProbeDuplicates(store: Store, id: number): Promise<number> {
  const hasOlder = (await count(store, `select count(*) from (select 1 from raw_probe_events where ingest_id <> ${id} limit 1)`)) > 0
  const mine = `select hash(event_id) as h from raw_probe_events where ingest_id = ${id}`
  // an inner join, not IN: DuckDB hashes the smaller side (the file, beside a long history)
  const older = `union select distinct n.h from (${mine}) n join (select hash(event_id) as h from raw_probe_events where ingest_id <> ${id}) o using (h)`
  return exec(
    store,
    `delete from raw_probe_events where ingest_id = ${id} and rowid in (
       with repeated as (select h from (${mine}) group by h having count(*) > 1 ${hasOlder ? older : ''}),
       candidates as materialized (
         select rowid as r, event_id from raw_probe_events where ingest_id = ${id} and hash(event_id) in (select h from repeated))
       select r from candidates where r not in (select min(r) from candidates group by event_id)
       ${hasOlder ? `union all select r from candidates where event_id in (select event_id from raw_probe_events where ingest_id <> ${id} and hash(event_id) in (select h from repeated))` : ''})`,
  )
}

/** chats: a message row needs seq, ts and sender_type; a conversation needs requested_at or a message time. */
async function checkChats(store: Store, rawLine: string, textKey: string): Promise<number> {
  const missing = `case when seq is null then 'seq' when ts is null then 'ts' when sender_type is null then 'sender_type' end`
  const partial = `(seq is not null or ts is not null or sender_type is not null or sender_id is not null or text is not null) and ${missing} is not null`
  await store.run(
    `insert into ccx_q select __line, ${missing}, 'missing_value: message ' || ${missing} || ' is empty', NULL, ${rawLine}, ${textKey} from ccx_rows where ${partial}`,
  )
  let n = await exec(store, `delete from ccx_rows where ${partial}`)
  const noTime = `conversation_id in (select conversation_id from ccx_rows group by conversation_id having min(requested_at) is null and min(ts) is null)`
  await store.run(
    `insert into ccx_q select __line, 'requested_at', 'missing_value: conversation has no requested_at and no message times', NULL, ${rawLine}, ${textKey} from ccx_rows where ${noTime}`,
  )
  n += await exec(store, `delete from ccx_rows where ${noTime}`)
  return n
}

/** surveys: answers must be a JSON object, or empty (shown, not answered). */
async function checkSurveyAnswers(store: Store, rawLine: string, textKey: string): Promise<number> {
  const bad = `nullif(trim(answers), '') is not null and coalesce(json_type(try_cast(answers as JSON)), '') <> 'OBJECT'`
  await store.run(
    `insert into ccx_q select __line, 'answers', 'bad_json: answers is not a JSON object', left(answers, 1000), ${rawLine}, ${textKey} from ccx_rows where ${bad}`,
  )
  return exec(store, `delete from ccx_rows where ${bad}`)
}

/** Inserts the staged rows into the source's raw table(s); returns rows that added something and conflicts. */
async function insertStaged(
  ctx: LoadContext,
  input: CsvInput,
  resolved: ResolvedColumns,
  textKey: string,
): Promise<{loaded: number; conflicts: number; flagged: number}> {
  const {store, spec, ingestId: id} = ctx
  if (ctx.keepContacts) for (const sql of keepContactsSql(spec)) await store.run(sql)
  if (spec.name === 'probe') {
    const names = spec.fields.map((f) => f.name)
    const props = probePropsSql(input, resolved)
    const cols = names.map((n) =>
      n === 'event_id' ? `coalesce(nullif(trim(event_id), ''), ${probeContentKey(names)})` : n === 'props' ? props : n,
    )
    const inserted = await exec(
      store,
      `insert into raw_probe_events (${names.join(', ')}, ingest_id) select ${cols.join(', ')}, ${id} from ccx_rows`,
    )
    const dupes = await removeProbeDuplicates(store, id)
    return {loaded: inserted - dupes, conflicts: 0, flagged: 0}
  }
  if (spec.name === 'chats') {
    const {conversations, messages} = chatsInsertSql(spec, id)
    await store.run(conversations)
    const msgs = await exec(store, messages)
    const bare = await count(
      store,
      `select count(*) from raw_conversations where ingest_id = ${id} and conversation_id in (select conversation_id from ccx_rows where seq is null)
         and conversation_id not in (select conversation_id from ccx_rows where seq is not null)`,
    )
    const flagged = await count(store, `select count(*) from raw_conversations where ingest_id = ${id} and quality is not null`)
    return {loaded: msgs + bare, conflicts: 0, flagged}
  }
  await store.run(outSql(spec, id))
  const table = spec.tables[0]!
  const key = keyColumns(spec)
  const keyText = key.length === 1 ? `o.${key[0]}::VARCHAR` : `concat_ws(' / ', ${key.map((k) => `o.${k}::VARCHAR`).join(', ')})`
  // Same key, other values: later rows of the file differing from its first row with that key, and first rows
  // differing from the row an earlier ingest stored. Identical repeats stay plain duplicates.
  const on = (a: string, b: string) => key.map((k) => `${a}.${k} = ${b}.${k}`).join(' and ')
  await store.run(
    `create temp table ccx_conf as
     select o.__rid, o.__line, o.__src, ${keyText} as key_text, 'appears earlier in this file with other values' || coalesce(' (line ' || f.__line || ')', '') as why
     from ccx_out o join (select *, row_number() over (partition by ${key.join(', ')} order by __rid) as n from ccx_out) f on ${on('f', 'o')} and f.n = 1
     where o.__rid <> f.__rid and o.__content <> f.__content
     union all
     select o.__rid, o.__line, o.__src, ${keyText}, 'was loaded before (ingest ' || t.ingest_id || ') with other values'
     from ccx_out o join ${table} t on ${on('t', 'o')}
     where ${contentSql(spec, 't')} <> o.__content and o.__rid in (select min(__rid) from ccx_out group by ${key.join(', ')})`,
  )
  await store.run(
    `insert into ccx_q select c.__line, ${q(key.join(', '))}, 'conflicting_key: ${key.join(', ')} ' || c.key_text || ' ' || c.why, c.key_text, NULL, ${textKey}
     from ccx_conf c join ccx_rows r on r.rowid = c.__src`,
  )
  const conflicts = await exec(store, `delete from ccx_out where __rid in (select __rid from ccx_conf)`)
  await store.run('drop table ccx_conf')
  const loaded = await exec(store, insertOutSql(spec))
  const flagged = insertColumns(spec, table).some((c) => c.column === 'quality')
    ? await count(store, `select count(*) from ${table} where ingest_id = ${id} and quality is not null`)
    : 0
  return {loaded, conflicts, flagged}
}

/** Rows DuckDB's reader rejected → ccx_q, one row per line (the first error of the line names the field). */
async function quarantineRejects(ctx: LoadContext, input: CsvInput, resolved: ResolvedColumns): Promise<number> {
  const fieldOf = new Map<number, string>()
  for (const r of resolved.fields.values()) if (r.column !== undefined) fieldOf.set(r.column, r.field.name)
  const headerName = (k: number) => fieldOf.get(k) ?? (input.header[k]!.trim() || `column ${k + 1}`)
  const kindOf = new Map<number, string>()
  for (const r of resolved.fields.values()) if (r.column !== undefined) kindOf.set(r.column, r.field.kind)
  const reasonByKind: Record<string, string> = {
    timestamp: 'bad_timestamp',
    probe_type: 'unknown_event_type',
    int: 'bad_number',
    bigint: 'bad_number',
    double: 'bad_number',
    bool: 'bad_boolean',
  }
  const fieldCase = `case column_name ${input.header.map((_, k) => `when 'c${k}' then ${q(headerName(k))}`).join(' ')} else column_name end`
  const castReason = `case ${[...kindOf].map(([k, kind]) => `when column_name = 'c${k}' then '${reasonByKind[kind] ?? 'bad_value'}'`).join(' ')} else 'bad_value' end`
  const lineIdx = input.lineColumn ? input.header.indexOf('__line') : -1
  const lineExpr = lineIdx >= 0 ? `coalesce(try_cast(regexp_extract(csv_line, '^"?([0-9]+)', 1) as BIGINT), line)` : 'line'
  const valueExpr = `regexp_extract(error_message, 'Could not convert string "([^"]*)"', 1)`
  const what: Record<string, string> = {
    timestamp: 'is not a timestamp (expected YYYY-MM-DD HH:MM:SS, or give --ts-format)',
    probe_type: 'is not a probe event type',
    int: 'is not a whole number',
    bigint: 'is not a whole number',
    double: 'is not a number',
    bool: 'is not true/false',
  }
  const castWhat = `case ${[...kindOf].map(([k, kind]) => `when column_name = 'c${k}' then ${q(what[kind] ?? 'does not convert')}`).join(' ')} else 'does not convert' end`
  return runTracked(
    ctx,
    `insert into ccx_q (line, field, reason, value, raw)
     select ${lineExpr}, field_name,
       case
         when error_type = 'CAST' and (error_message like '%string ""%' or error_message not like '%Could not convert%')
           then 'missing_value: ' || coalesce(field_name, '?') || ' is empty'
         when error_type = 'CAST' then ${castReason} || ': ' || coalesce(field_name, '?') || ' "' || left(${valueExpr}, 200) || '" ' || ${castWhat}
         else case error_type
           when 'MISSING COLUMNS' then 'wrong_column_count'
           when 'TOO MANY COLUMNS' then 'wrong_column_count'
           when 'INVALID ENCODING' then 'invalid_utf8'
           when 'INVALID UNICODE' then 'invalid_utf8'
           when 'LINE SIZE OVER MAXIMUM' then 'line_too_long'
           when 'UNQUOTED VALUE' then 'bad_quoting'
           else lower(replace(error_type, ' ', '_')) end || ': ' || regexp_replace(error_message, 'column "?c[0-9]+"?', 'column "' || coalesce(field_name, '?') || '"') end,
       nullif(case when error_type = 'CAST' then ${valueExpr} end, ''),
       left(trim(csv_line, chr(13) || chr(10)), 65536)
     from (select line, first(column_name order by column_idx nulls first) column_name, first(error_type order by column_idx nulls first) error_type,
             first(error_message order by column_idx nulls first) error_message, first(csv_line) csv_line
           from ${REJECTS} group by line) r, lateral (select ${fieldCase} as field_name) f`,
  )
}

/** Quarantined rows without a line (refused by a SQL check) get theirs from a second pass over the file. */
async function relocate(ctx: LoadContext, input: CsvInput, plan: LoadPlan, nulls: string[]): Promise<void> {
  const {store} = ctx
  if (plan.textColumns.length === 0) return
  const rows = await store.all<{key: string; n: number}>(
    `select key, count(*) as n from ccx_q where line is null and key is not null group by key`,
  )
  if (rows.length === 0 || rows.length > 100_000) return
  const skip = new Set((await store.all<{line: number}>(`select distinct line from ${REJECTS}`)).map((r) => Number(r.line)))
  const found = await relocateRecords(
    input.path,
    {
      delimiter: input.delimiter,
      textColumns: plan.textColumns,
      nulls,
      width: input.header.length,
      skipLines: skip,
      header: input.hasHeader,
    },
    new Map(rows.map((r) => [r.key, Number(r.n)])),
  )
  const assigned: Array<{key: string; n: number; line: number; raw: string}> = []
  for (const [key, list] of found) list.forEach((l, n) => assigned.push({key, n, line: l.line, raw: l.raw}))
  if (assigned.length === 0) return
  await store.run(`create temp table ccx_lines (key VARCHAR, n INTEGER, line BIGINT, raw VARCHAR)`)
  await store.append('ccx_lines', assigned.length, (a, k) => {
    const r = assigned[k]!
    a.appendVarchar(r.key)
    a.appendInteger(r.n)
    a.appendBigInt(BigInt(r.line))
    a.appendVarchar(r.raw)
  })
  await store.run(
    `update ccx_q set line = l.line, raw = l.raw from (
       select q.rowid as rid, l.line, l.raw from (select rowid, key, row_number() over (partition by key order by rowid) - 1 as n from ccx_q where line is null) q
       join ccx_lines l on l.key = q.key and l.n = q.n) l
     where ccx_q.rowid = l.rid;
     drop table ccx_lines`,
  )
}
