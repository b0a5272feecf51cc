import {createHash} from 'node:crypto'
import type {Store} from '../store/store.js'
import {sqlString} from '../store/values.js'
import {dependencies, orderPipelines, withUpstream} from './graph.js'
import type {Pipeline, PipelineContext, RunInfo} from './types.js'

export type PipelineStatus = 'ran' | 'skipped' | 'failed' | 'not-run'

export interface PipelineOutcome {
  pipeline: string
  status: PipelineStatus
  /** How it ran: rebuilt from all data, or updated from what changed since its last run. */
  mode?: 'full' | 'incremental'
  durationMs: number
  rowsWritten?: number
  message?: string
}

export interface PipelineListing {
  pipeline: string
  description: string
  reads: string[]
  writes: string[]
  dependsOn: string[]
  state: 'up-to-date' | 'stale' | 'never-run' | 'failed'
  lastRunAt?: Date
  durationMs?: number
  rowsWritten?: number
}

/** The pipeline's own inputs: its declared tables, SQL, rule files and options (not the data). */
async function codeFingerprint(p: Pipeline, ctx: PipelineContext): Promise<string> {
  const hash = createHash('sha256')
  hash.update(JSON.stringify({reads: p.reads, writes: p.writes}))
  if (p.fingerprint) hash.update(await p.fingerprint(ctx))
  return hash.digest('hex').slice(0, 32)
}

async function readVersions(p: Pipeline, ctx: PipelineContext): Promise<Array<{table_name: string; version: number}>> {
  return p.reads.length === 0
    ? []
    : ctx.store.all<{table_name: string; version: number}>(
        `select table_name, version from table_versions where table_name in (${p.reads.map(sqlString).join(', ')}) order by table_name`,
      )
}

/** Code fingerprint + the versions of the tables it reads: unchanged means nothing to do. */
async function inputFingerprint(p: Pipeline, ctx: PipelineContext, code?: string, versions?: Array<{table_name: string; version: number}>) {
  const hash = createHash('sha256')
  hash.update(JSON.stringify(versions ?? (await readVersions(p, ctx))))
  hash.update(code ?? (await codeFingerprint(p, ctx)))
  return hash.digest('hex').slice(0, 32)
}

type PreviousState = {
  input_fingerprint: string | null
  input_versions: string | null
  code_fingerprint: string | null
  change_cursor: number | null
  mode: string | null
  status: string
}

/** Full or incremental, and why: the first run, changed rules/SQL, an upstream full rebuild or --full rebuild. */
async function runMode(
  p: Pipeline,
  ctx: PipelineContext,
  previous: PreviousState | undefined,
  code: string,
  upstream: string[],
  full: boolean,
  versions: Array<{table_name: string; version: number}>,
  writers: Map<string, string>,
): Promise<string> {
  if (full) return '--full'
  if (!p.incremental) return ''
  if (!previous || previous.change_cursor === null || previous.code_fingerprint === null || previous.input_versions === null)
    return 'first run'
  if (previous.code_fingerprint !== code) return 'its rules, options or SQL changed'
  if (!(await outputsExist(p, ctx.store))) return 'an output table is missing'
  // a table that no pipeline logs changes of, and the pipeline does not follow itself, changed: nothing says what
  const before = new Map(
    (JSON.parse(previous.input_versions) as Array<{table_name: string; version: number}>).map((v) => [v.table_name, v.version]),
  )
  for (const v of versions)
    if (!writers.has(v.table_name) && !(p.follows ?? []).includes(v.table_name) && before.get(v.table_name) !== v.version)
      return `${v.table_name} changed outside the pipelines`
  if (upstream.length > 0) {
    const rebuilt = await ctx.store.one<{producer: string}>(
      `select producer from change_runs where seq > $since and is_full and producer in (${upstream.map(sqlString).join(', ')}) order by seq limit 1`,
      {since: previous.change_cursor},
    )
    if (rebuilt) return `${rebuilt.producer} was rebuilt in full`
  }
  return ''
}

async function outputsExist(p: Pipeline, store: Store): Promise<boolean> {
  for (const t of p.writes) if (!(await store.tableExists(t))) return false
  return true
}

export interface RunOptions {
  names?: string[]
  /** Re-run even when inputs are unchanged. */
  force?: boolean
  /** Rebuild from all data instead of updating from what changed (implies force). */
  full?: boolean
}

/** Runs pipelines in dependency order, skipping those whose inputs are unchanged since their last success. */
export async function runPipelines(all: Pipeline[], ctx: PipelineContext, options: RunOptions = {}): Promise<PipelineOutcome[]> {
  // No row-group merges at this run's checkpoints: DuckDB's vacuum re-compresses the partly filled row groups of every
  // table a run appends to (about a second of a 5 M + 1 M incremental run, for about one row group fewer per table);
  // a full rebuild writes its tables anew (docs/scale.md, "Checkpoints during runs")
  const vacuumTasks = await ctx.store.scalar<number>(`select current_setting('max_vacuum_tasks')::INTEGER`)
  await ctx.store.run('set max_vacuum_tasks = 0')
  try {
    const outcomes = await runPlan(all, ctx, options)
    // the run's own checkpoint, without merges (closing the database would checkpoint with the setting restored)
    if (outcomes.some((o) => o.status === 'ran')) await ctx.store.run('checkpoint')
    return outcomes
  } finally {
    await ctx.store.run(`set max_vacuum_tasks = ${Number(vacuumTasks)}`)
  }
}

async function runPlan(all: Pipeline[], ctx: PipelineContext, options: RunOptions): Promise<PipelineOutcome[]> {
  const plan = options.names && options.names.length > 0 ? withUpstream(all, options.names) : orderPipelines(all)
  const deps = dependencies(all)
  const writers = new Map<string, string>()
  for (const p of all) for (const t of p.writes) writers.set(t, p.name)
  const outcomes: PipelineOutcome[] = []
  let failed = false
  for (const p of plan) {
    if (failed) {
      outcomes.push({pipeline: p.name, status: 'not-run', durationMs: 0, message: 'an upstream pipeline failed'})
      continue
    }
    const code = await codeFingerprint(p, ctx)
    const versions = await readVersions(p, ctx)
    const fingerprint = await inputFingerprint(p, ctx, code, versions)
    const previous = await ctx.store.one<PreviousState>(
      'select input_fingerprint, input_versions, code_fingerprint, change_cursor, mode, status from pipeline_state where pipeline = $p',
      {p: p.name},
    )
    if (
      !options.force &&
      !options.full &&
      previous?.status === 'ok' &&
      previous.input_fingerprint === fingerprint &&
      (await outputsExist(p, ctx.store))
    ) {
      outcomes.push({pipeline: p.name, status: 'skipped', durationMs: 0, message: 'inputs unchanged'})
      continue
    }
    const started = new Date()
    const upstream = deps.get(p.name) ?? []
    const reason = await runMode(p, ctx, previous, code, upstream, Boolean(options.full), versions, writers)
    const seq = Number(await ctx.store.scalar(`select nextval('change_seq')`))
    const run: RunInfo = {
      pipeline: p.name,
      seq,
      full: !p.incremental || reason !== '',
      reason,
      since: previous?.change_cursor ?? null,
      upstream,
      visitorsLogged: 0,
    }
    const pctx: PipelineContext = {...ctx, run}
    ctx.log(`▶ ${p.name}: ${p.description}${p.incremental ? (run.full ? ` [full: ${reason}]` : ' [incremental]') : ''}`)
    try {
      const staged = p.stage ? await p.stage(pctx) : undefined
      const result = await ctx.store.transaction(async () => {
        const r = await p.run(pctx)
        if (staged?.message) r.message = r.message ? `${staged.message}; ${r.message}` : staged.message
        for (const t of p.writes) await ctx.store.bumpTableVersion(t)
        await ctx.store.run(`insert into change_runs values ($seq, $p, $full, $n, now()::TIMESTAMP)`, {
          seq,
          p: p.name,
          full: run.full,
          n: run.visitorsLogged,
        })
        return r
      })
      const durationMs = Date.now() - started.getTime()
      const mode = p.incremental ? (run.full ? 'full' : 'incremental') : 'full'
      const state = {fingerprint, versions: JSON.stringify(versions), code, cursor: seq, mode}
      await saveState(ctx.store, p.name, state, 'ok', started, durationMs, result.rowsWritten, result.message)
      outcomes.push({pipeline: p.name, status: 'ran', mode, durationMs, rowsWritten: result.rowsWritten, message: result.message})
      ctx.log(`  ✓ ${p.name} (${durationMs} ms${result.rowsWritten === undefined ? '' : `, ${result.rowsWritten} rows`})`)
    } catch (error) {
      const durationMs = Date.now() - started.getTime()
      const message = error instanceof Error ? error.message : String(error)
      // a failed run keeps the cursor and code fingerprint of the last success: the next run picks up from there
      const kept = {
        fingerprint: null,
        versions: previous?.input_versions ?? null,
        code: previous?.code_fingerprint ?? null,
        cursor: previous?.change_cursor ?? null,
        mode: previous?.mode ?? null,
      }
      await saveState(ctx.store, p.name, kept, 'failed', started, durationMs, undefined, message)
      outcomes.push({pipeline: p.name, status: 'failed', durationMs, message})
      ctx.log(`  ✗ ${p.name}: ${message}`)
      failed = true
    }
  }
  if (outcomes.some((o) => o.status === 'ran')) await pruneChangeLog(ctx.store, all)
  return outcomes
}

/**
 * Drops logged changes every incremental pipeline has consumed (a pipeline that never ran rebuilds in full and needs
 * none). change_days also waits for the warehouse publisher's cursor (docs/scale.md).
 */
async function pruneChangeLog(store: Store, all: Pipeline[]): Promise<void> {
  const names = all.filter((p) => p.incremental).map((p) => sqlString(p.name))
  if (names.length === 0) return
  const floor = await store.scalar<number | null>(
    `select min(change_cursor) from pipeline_state where change_cursor is not null and pipeline in (${names.join(', ')})`,
  )
  if (floor === null || floor === undefined) return
  await store.run(`delete from change_visitors where seq < $f`, {f: floor})
  const withWarehouse = await store.scalar<number | null>(
    `select least($f, coalesce((select min(change_cursor) from pipeline_state where pipeline like 'warehouse:%'), $f))`,
    {f: floor},
  )
  await store.run(`delete from change_days where seq < $f`, {f: withWarehouse})
  await store.run(`delete from change_runs where seq < $f`, {f: withWarehouse})
}

async function saveState(
  store: Store,
  pipeline: string,
  s: {fingerprint: string | null; versions: string | null; code: string | null; cursor: number | null; mode: string | null},
  status: string,
  started: Date,
  durationMs: number,
  rows?: number,
  message?: string,
) {
  await store.run(
    `insert or replace into pipeline_state
       (pipeline, input_fingerprint, status, started_at, finished_at, duration_ms, rows_written, message, code_fingerprint, mode, change_cursor, input_versions)
     values ($p, $f, $s, $start::TIMESTAMP, now()::TIMESTAMP, $d, $r, $m, $code, $mode, $cursor, $v)`,
    {
      p: pipeline,
      f: s.fingerprint,
      s: status,
      start: started.toISOString(),
      d: durationMs,
      r: rows ?? null,
      m: message ?? null,
      code: s.code,
      mode: s.mode,
      cursor: s.cursor,
      v: s.versions,
    },
  )
}

/** The state of every pipeline (or of `names` and their upstream), read-only: what `ccx run --list` and the reports show. */
export async function listPipelines(all: Pipeline[], ctx: PipelineContext, options: {names?: string[]} = {}): Promise<PipelineListing[]> {
  const deps = dependencies(all)
  const out: PipelineListing[] = []
  for (const p of options.names ? withUpstream(all, options.names) : orderPipelines(all)) {
    const s = await ctx.store.one<{
      input_fingerprint: string | null
      status: string
      finished_at: Date
      duration_ms: number
      rows_written: number | null
    }>('select * from pipeline_state where pipeline = $p', {p: p.name})
    let state: PipelineListing['state'] = 'never-run'
    if (s?.status === 'failed') state = 'failed'
    else if (s)
      state = s.input_fingerprint === (await inputFingerprint(p, ctx)) && (await outputsExist(p, ctx.store)) ? 'up-to-date' : 'stale'
    out.push({
      pipeline: p.name,
      description: p.description,
      reads: p.reads,
      writes: p.writes,
      dependsOn: deps.get(p.name) ?? [],
      state,
      lastRunAt: s?.finished_at,
      durationMs: s?.duration_ms,
      rowsWritten: s?.rows_written ?? undefined,
    })
  }
  return out
}
