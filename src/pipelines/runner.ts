import {createHash} from 'node:crypto'
import type {Store} from '../store/store.js'
import {sqlString} from '../store/values.js'
import {dependencies, orderPipelines, withUpstream} from './graph.js'
import type {Pipeline, PipelineContext} from './types.js'

export type PipelineStatus = 'ran' | 'skipped' | 'failed' | 'not-run'

export interface PipelineOutcome {
  pipeline: string
  status: PipelineStatus
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

async function inputFingerprint(p: Pipeline, ctx: PipelineContext): Promise<string> {
  const versions =
    p.reads.length === 0
      ? []
      : await ctx.store.all<{table_name: string; version: number}>(
          `select table_name, version from table_versions where table_name in (${p.reads.map(sqlString).join(', ')}) order by table_name`,
        )
  const hash = createHash('sha256')
  hash.update(JSON.stringify(versions))
  hash.update(JSON.stringify({reads: p.reads, writes: p.writes}))
  if (p.fingerprint) hash.update(await p.fingerprint(ctx))
  return hash.digest('hex').slice(0, 32)
}

async function outputsExist(p: Pipeline, store: Store): Promise<boolean> {
  for (const t of p.writes) if (!(await store.tableExists(t))) return false
  return true
}

export interface RunOptions {
  names?: string[]
  force?: boolean
}

/** Runs pipelines in dependency order, skipping those whose inputs are unchanged since their last success. */
export async function runPipelines(all: Pipeline[], ctx: PipelineContext, options: RunOptions = {}): Promise<PipelineOutcome[]> {
  const plan = options.names && options.names.length > 0 ? withUpstream(all, options.names) : orderPipelines(all)
  const outcomes: PipelineOutcome[] = []
  let failed = false
  for (const p of plan) {
    if (failed) {
      outcomes.push({pipeline: p.name, status: 'not-run', durationMs: 0, message: 'an upstream pipeline failed'})
      continue
    }
    const fingerprint = await inputFingerprint(p, ctx)
    const previous = await ctx.store.one<{input_fingerprint: string; status: string}>(
      'select input_fingerprint, status from pipeline_state where pipeline = $p',
      {p: p.name},
    )
    if (!options.force && previous?.status === 'ok' && previous.input_fingerprint === fingerprint && (await outputsExist(p, ctx.store))) {
      outcomes.push({pipeline: p.name, status: 'skipped', durationMs: 0, message: 'inputs unchanged'})
      continue
    }
    const started = new Date()
    ctx.log(`▶ ${p.name}: ${p.description}`)
    try {
      const staged = p.stage ? await p.stage(ctx) : undefined
      const result = await ctx.store.transaction(async () => {
        const r = await p.run(ctx)
        if (staged?.message) r.message = r.message ? `${staged.message}; ${r.message}` : staged.message
        for (const t of p.writes) await ctx.store.bumpTableVersion(t)
        return r
      })
      const durationMs = Date.now() - started.getTime()
      await saveState(ctx.store, p.name, fingerprint, 'ok', started, durationMs, result.rowsWritten, result.message)
      outcomes.push({pipeline: p.name, status: 'ran', durationMs, rowsWritten: result.rowsWritten, message: result.message})
      ctx.log(`  ✓ ${p.name} (${durationMs} ms${result.rowsWritten === undefined ? '' : `, ${result.rowsWritten} rows`})`)
    } catch (error) {
      const durationMs = Date.now() - started.getTime()
      const message = error instanceof Error ? error.message : String(error)
      await saveState(ctx.store, p.name, null, 'failed', started, durationMs, undefined, message)
      outcomes.push({pipeline: p.name, status: 'failed', durationMs, message})
      ctx.log(`  ✗ ${p.name}: ${message}`)
      failed = true
    }
  }
  return outcomes
}

async function saveState(
  store: Store,
  pipeline: string,
  fingerprint: string | null,
  status: string,
  started: Date,
  durationMs: number,
  rows?: number,
  message?: string,
) {
  await store.run(`insert or replace into pipeline_state values ($p, $f, $s, $start::TIMESTAMP, now()::TIMESTAMP, $d, $r, $m)`, {
    p: pipeline,
    f: fingerprint,
    s: status,
    start: started.toISOString(),
    d: durationMs,
    r: rows ?? null,
    m: message ?? null,
  })
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
