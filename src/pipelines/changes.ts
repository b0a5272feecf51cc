import {sqlIdent, sqlString} from '../store/values.js'
import type {PipelineContext, RunInfo} from './types.js'

/**
 * What is new to an incremental pipeline (docs/architecture.md "Incremental runs"):
 * - the visitors upstream pipelines logged in change_visitors since this pipeline's last run, and
 * - the rows of raw tables past its watermark (a permanent, growing key: raw_probe_events.event_key, ingest_id).
 * Rows deleted from a raw table (a replaced file, retention) show as fewer rows under the watermark than it counted.
 */

/** The runner's plan for this run; a pipeline called directly (a bench, a test) rebuilds in full. */
export function runInfo(ctx: PipelineContext, pipeline = 'unknown'): RunInfo {
  ctx.run ??= {pipeline, seq: 0, full: true, reason: 'run outside the runner', since: null, upstream: [], visitorsLogged: 0}
  return ctx.run
}

/**
 * How a consumer of change_visitors reads renumbered_from (normalize moved the visit numbers of sessions from then on,
 * nothing else of them): 'merge' (default) re-does them (from_ts is the earlier of the two); 'ignore' (a reader of no
 * visit numbers) keeps them; 'column' keeps renumbered_from as a column of its own (the reader updates the numbers).
 */
export type Renumbered = 'merge' | 'ignore' | 'column'

/**
 * Creates temp table `table (site, visitor_id, from_ts)`: the distinct visitors the upstream pipelines logged since this
 * pipeline's last run, and from when their sessions changed: the sessions that started before from_ts are as they were
 * at this pipeline's last run (the earliest of the runs' from_ts; NULL: all of the visitor's rows may have changed).
 * With `renumbered` 'column', a fourth column renumbered_from. A consumer may ignore from_ts and re-do the visitors
 * whole. Returns how many.
 */
export async function upstreamVisitors(ctx: PipelineContext, table: string, renumbered: Renumbered = 'merge'): Promise<number> {
  const run = runInfo(ctx)
  const producers = run.upstream.length > 0 ? run.upstream.map(sqlString).join(', ') : "''"
  const from = renumbered === 'merge' ? 'least(v.from_ts, v.renumbered_from)' : 'v.from_ts'
  await ctx.store.run(
    `create or replace temp table ${sqlIdent(table)} as
     select v.site, v.visitor_id, if(bool_or(v.from_ts is null), null, min(${from})) as from_ts
       ${renumbered === 'column' ? ', min(v.renumbered_from) as renumbered_from' : ''}
     from change_visitors v join change_runs r using (seq)
     where v.seq > $since and v.seq < $seq and r.producer in (${producers})
     group by v.site, v.visitor_id`,
    {since: run.since ?? -1, seq: run.seq},
  )
  return ctx.store.scalar<number>(`select count(*)::INTEGER from ${sqlIdent(table)}`)
}

export interface RawDelta {
  /** Rows with key > from (and ≤ to) are new to this pipeline. */
  from: number
  to: number
  /** Some rows at or below `from` were deleted since the last run. */
  deleted: boolean
}

/** The key column that orders each raw table's loads. */
export function rawKey(source: string): string {
  return source === 'raw_probe_events' ? 'event_key' : 'ingest_id'
}

/**
 * How `source` moved since this pipeline's watermark; undefined when it has none yet (it must rebuild in full).
 * Cheap: the key column's zone maps skip old row groups, and the count reads one integer column.
 */
export async function rawDelta(ctx: PipelineContext, source: string): Promise<RawDelta | undefined> {
  const mark = await ctx.store.one<{high: number; rows: number}>(
    'select high, rows from source_watermarks where pipeline = $p and source = $s',
    {p: pipelineName(ctx), s: source},
  )
  if (!mark) return undefined
  const key = rawKey(source)
  const now = await ctx.store.one<{top: number | null; under: number}>(
    `select max(${key}) as top, count(*) filter (where ${key} <= $h) as under from ${sqlIdent(source)}`,
    {h: mark.high},
  )
  return {from: mark.high, to: Math.max(mark.high, now?.top ?? mark.high), deleted: (now?.under ?? 0) < mark.rows}
}

/** Records how far this pipeline has read `source` (call inside run(), in the pipeline's transaction). */
export async function saveWatermark(ctx: PipelineContext, source: string, high?: number): Promise<void> {
  const key = rawKey(source)
  const top = high ?? (await ctx.store.scalar<number | null>(`select max(${key}) from ${sqlIdent(source)}`)) ?? 0
  await ctx.store.run(
    `insert or replace into source_watermarks
     select $p, $s, $h, (select count(*) from ${sqlIdent(source)} where ${key} <= $h)`,
    {p: pipelineName(ctx), s: source, h: top},
  )
}

/**
 * The earliest time at which a row of a raw table with visitor ids bears on a reader (SQL over the row's columns): a
 * funnel step at offered_at, requested_at or ts (marketing marts), and the agent who served the visitor from
 * coalesce(answered_at, …) on (scenarios' previous agent; an answer may be logged before the offer).
 */
const RAW_FROM: Record<string, string> = {
  raw_calls: 'least(offered_at, coalesce(answered_at, offered_at))',
  raw_conversations: 'least(requested_at, coalesce(answered_at, requested_at))',
  raw_leads: 'ts',
  raw_orders: 'ts',
}

/**
 * For a raw table with a visitor_id column (calls, chats, leads, orders): SQL selecting the visitor ids (visitor_id,
 * from_ts) of its rows loaded since this pipeline's last run, with the time from which each bears on the readers
 * (RAW_FROM; NULL for a table without one), and of its rows deleted since (found through source_visitors; from_ts NULL:
 * their times are gone). Undefined when the pipeline has no watermark on it yet (it must rebuild in full).
 */
export async function rawChangedVisitors(ctx: PipelineContext, source: string): Promise<{sql: string; delta: RawDelta} | undefined> {
  const delta = await rawDelta(ctx, source)
  if (!delta) return undefined
  const from = RAW_FROM[source] ?? 'null::TIMESTAMP'
  const parts = [
    `select visitor_id, ${from} as from_ts from ${sqlIdent(source)} where ingest_id > ${delta.from} and visitor_id is not null`,
  ]
  if (delta.deleted)
    parts.push(`select sv.visitor_id, null::TIMESTAMP from source_visitors sv
      where sv.pipeline = ${sqlString(runInfo(ctx).pipeline)} and sv.source = ${sqlString(source)}
        and not exists (select 1 from ${sqlIdent(source)} r where r.ingest_id = sv.ingest_id and r.visitor_id = sv.visitor_id)`)
  return {sql: parts.join(' union all '), delta}
}

/**
 * Records how far this pipeline has read a raw table with visitor ids, and which visitor ids its loads hold (inside
 * run()): all of them after a full run, else the new loads' added and the deleted ones' dropped.
 */
export async function saveRawVisitors(ctx: PipelineContext, source: string, delta?: RawDelta): Promise<void> {
  const p = sqlString(runInfo(ctx).pipeline)
  const s = sqlString(source)
  const t = sqlIdent(source)
  if (!delta) {
    await ctx.store.run(`delete from source_visitors where pipeline = ${p} and source = ${s};
      insert into source_visitors select distinct ${p}, ${s}, ingest_id, visitor_id from ${t} where visitor_id is not null`)
  } else {
    if (delta.deleted)
      await ctx.store.run(`delete from source_visitors sv where sv.pipeline = ${p} and sv.source = ${s}
        and not exists (select 1 from ${t} r where r.ingest_id = sv.ingest_id and r.visitor_id = sv.visitor_id)`)
    await ctx.store.run(`insert into source_visitors
      select distinct ${p}, ${s}, ingest_id, visitor_id from ${t} where ingest_id > ${delta.from} and visitor_id is not null`)
  }
  await saveWatermark(ctx, source)
}

/** The current top key of `source` (what a full rebuild reads up to). */
export async function rawTop(ctx: PipelineContext, source: string): Promise<number> {
  return (await ctx.store.scalar<number | null>(`select max(${rawKey(source)}) from ${sqlIdent(source)}`)) ?? 0
}

/**
 * Logs the visitors (a query of site, visitor_id and, when `from` is set, from_ts and renumbered_from) this run replaced
 * rows of, for the pipelines downstream: from_ts is the start of the first session replaced or added (NULL: all of
 * them), renumbered_from that of the first earlier one whose visit numbers alone moved (NULL: none).
 */
export async function logVisitors(ctx: PipelineContext, query: string, from = false): Promise<number> {
  const run = runInfo(ctx)
  await ctx.store.run(
    `insert into change_visitors (seq, site, visitor_id, from_ts, renumbered_from)
     select ${run.seq}, site, visitor_id,
       ${from ? 'if(bool_or(from_ts is null), null, min(from_ts)), min(renumbered_from)' : 'null, null'}
     from (${query}) group by site, visitor_id`,
  )
  const n = await ctx.store.scalar<number>(`select count(*)::INTEGER from change_visitors where seq = ${run.seq}`)
  run.visitorsLogged = n
  return n
}

/** Logs the days (a query of site, day) whose rows this run replaced, for the warehouse publisher. */
export async function logDays(ctx: PipelineContext, query: string): Promise<void> {
  const run = runInfo(ctx)
  await ctx.store.run(`insert into change_days select distinct ${run.seq}, site, day from (${query}) where day is not null`)
}

function pipelineName(ctx: PipelineContext): string {
  const run = runInfo(ctx)
  return run.pipeline
}

/** The visitors an incremental pipeline re-does, and how each raw table it follows moved. */
export interface VisitorChanges {
  count: number
  deltas: Map<string, RawDelta>
  /**
   * A timestamp literal (SQL) no re-done session starts before: the earliest from_ts when every changed visitor has
   * one, else undefined (some visitor is re-done whole). A constant filter on it lets DuckDB skip old row groups of
   * time-ordered tables.
   */
  since?: string
}

/**
 * The start of an incremental pipeline that reads raw tables with visitor ids (marketing marts, scenarios): decides
 * the run's mode and, when it is incremental, creates temp table `table (visitor_id, vid, from_ts)` — the visitors
 * upstream pipelines re-did and those named by rows of `raw` loaded or deleted since this pipeline's last run; vid is
 * hash(visitor_id). from_ts (upstreamVisitors): that visitor's sessions that started before it are as they were at this
 * pipeline's last run, on every site (the earliest over its sites); for a visitor a new raw row names, the time from
 * which that row bears on the readers (RAW_FROM: a call is a step at its offer, attached to the latest session before;
 * it changes nothing earlier); NULL: re-do the visitor whole (a deleted raw row named it). With `renumbered` 'column',
 * renumbered_from too (upstreamVisitors). A raw table without a watermark yet makes the run full. Pair with
 * saveRawTables() in run().
 */
export async function incrementalVisitors(
  ctx: PipelineContext,
  pipeline: string,
  raw: readonly string[],
  table: string,
  renumbered: Renumbered = 'merge',
): Promise<{run: RunInfo; changed?: VisitorChanges}> {
  const run = runInfo(ctx, pipeline)
  if (run.full) return {run}
  const upstream = `${table}_upstream`
  const parts = [
    `select visitor_id, from_ts, ${renumbered === 'column' ? 'renumbered_from' : 'null::TIMESTAMP as renumbered_from'} from ${sqlIdent(upstream)}`,
  ]
  const deltas = new Map<string, RawDelta>()
  for (const source of raw) {
    const changed = await rawChangedVisitors(ctx, source)
    if (!changed) {
      run.full = true
      run.reason = 'no watermark on a raw table it reads'
      return {run}
    }
    parts.push(`select visitor_id, from_ts, null::TIMESTAMP from (${changed.sql})`)
    deltas.set(source, changed.delta)
  }
  await upstreamVisitors(ctx, upstream, renumbered)
  await ctx.store.run(`create or replace temp table ${sqlIdent(table)} as
      select visitor_id, hash(visitor_id) as vid, if(bool_or(from_ts is null), null, min(from_ts)) as from_ts,
        min(renumbered_from) as renumbered_from
      from (${parts.map((p) => `(${p})`).join(' union all ')}) group by visitor_id;
    drop table ${sqlIdent(upstream)}`)
  const count = await ctx.store.scalar<number>(`select count(*)::INTEGER from ${sqlIdent(table)}`)
  return {run, changed: {count, deltas, since: await changedSince(ctx, table)}}
}

/**
 * VisitorChanges.since of a table of changed visitors with from_ts (upstreamVisitors, incrementalVisitors): a
 * TIMESTAMP literal no re-done session starts before, or undefined when some visitor is re-done whole (NULL).
 */
export async function changedSince(ctx: PipelineContext, table: string): Promise<string | undefined> {
  const since = await ctx.store.scalar<string | null>(
    `select if(bool_or(from_ts is null), null, strftime(min(from_ts), '%Y-%m-%d %H:%M:%S.%f')) from ${sqlIdent(table)}`,
  )
  return since ? `TIMESTAMP ${sqlString(since)}` : undefined
}

/** Records how far this run read each raw table of incrementalVisitors() (inside run()). */
export async function saveRawTables(ctx: PipelineContext, raw: readonly string[], changed?: VisitorChanges): Promise<void> {
  for (const source of raw) await saveRawVisitors(ctx, source, changed?.deltas.get(source))
}

/**
 * A condition choosing the rows an incremental run re-does (for the full run: 'true'): those of the visitors in
 * `table` (incrementalVisitors) whose time `ts` is at or after the visitor's from_ts (or all of its rows when NULL).
 * `visitor` and `ts` are SQL expressions of the row; a row without a time (ts 'null') counts as re-done only for a
 * whole visitor.
 */
export function changedRows(table: string, changed: VisitorChanges | undefined, visitor: string, ts: string): string {
  if (!changed) return 'true'
  const bound = changed.since ? ` and ${ts} >= ${changed.since}` : ''
  // alias chg: the row's own alias must not be shadowed
  return `(exists (select 1 from ${sqlIdent(table)} chg where chg.visitor_id = ${visitor} and (chg.from_ts is null or ${ts} >= chg.from_ts))${bound})`
}

/** changedRows()' condition on a row `t` joined to its visitor's row `chg` of the changed visitors' table. */
function redoneJoined(changed: VisitorChanges, ts: string): string {
  const bound = changed.since ? ` and t.${ts} >= ${changed.since}` : ''
  return `(chg.from_ts is null or t.${ts} >= chg.from_ts)${bound}`
}

/**
 * The rows of `source` (alias t) that changedRows() chooses, as a subquery joining them to their visitors in `table`
 * (one row per visitor): DuckDB turns changedRows()' correlated EXISTS into a grouping of the whole source by visitor
 * and time first (0.5 s of CPU on 1.7 M mart_sessions rows, against 0.15 s for the join). `key`: the visitor column
 * both have (visitor_id, or vid: hash(visitor_id)); `ts`: the source's time column; `where`: more conditions on t.
 */
export function changedRowsOf(
  source: string,
  table: string,
  changed: VisitorChanges,
  key: 'visitor_id' | 'vid',
  ts: string,
  where = 'true',
): string {
  return `(select t.* from ${source} t join ${sqlIdent(table)} chg on t.${key} = chg.${key}
    where ${where} and ${redoneJoined(changed, ts)})`
}

/** Deletes the rows of `target` that changedRowsOf() would choose (the same join). */
export function deleteChangedRows(target: string, table: string, changed: VisitorChanges, key: 'visitor_id' | 'vid', ts: string): string {
  return `delete from ${target} t using ${sqlIdent(table)} chg where t.${key} = chg.${key} and ${redoneJoined(changed, ts)}`
}
