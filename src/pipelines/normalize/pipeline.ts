import {createHash} from 'node:crypto'
import {IP_PARSER_VERSION, REFERRER_PARSER_VERSION, UA_PARSER_VERSION} from '../../enrich/versions.js'
import {readSql, renderSql} from '../../store/store.js'
import {sqlString} from '../../store/values.js'
import {logDays, logVisitors, rawDelta, runInfo, saveWatermark} from '../changes.js'
import type {Pipeline, PipelineContext} from '../types.js'
import {viewsSql} from './views.js'

// per set of visitors (all, an incremental run's, or a batch of a full rebuild), between staged.sql and dimensions.sql
const STEPS = ['attribution.sql', 'sessionize.sql', 'pages.sql', 'tables.sql']
const SQL_FILES = [
  'staged.sql',
  ...STEPS,
  'dimensions.sql',
  'delta.sql',
  'source.sql',
  'shift.sql',
  'publish.sql',
  'publish_delta.sql',
  'views.sql',
  'sessions.sql',
  'events.sql',
]
/**
 * Raw events per batch of a full rebuild, per byte of DuckDB's memory limit: the working set of the sessionization and
 * of tables.sql's joins is some hundreds of bytes per event (about 900 MB of buffer pool at 3 M events, docs/scale.md
 * "Normalize's peak"), so a batch of limit / 500 events stays well inside the limit, whatever the history's size.
 */
const BATCH_EVENTS_PER_BYTE = 1 / 500
const STAGED = [
  'sessions_core__staged',
  'session_sources__staged',
  'session_places__staged',
  'session_devices__staged',
  'event_sessions__staged',
  'visitors__staged',
]
const SCRATCH = [
  'norm_quoted',
  'norm_sess',
  'norm_pages',
  'norm_seq',
  'norm_attr',
  'norm_old_rows',
  'norm_affected',
  'norm_shift',
  'norm_gone',
  'norm_new',
  'norm_old_keys',
]

interface NormalizeOptions {
  inactivityS: number
  maxDwellS: number
  splitOnCampaign: boolean
  anonymizeIp: boolean
  siteDomains: string[]
}

function options(ctx: PipelineContext, siteDomains: string[]): NormalizeOptions {
  const s = ctx.config.config.sessions
  return {
    inactivityS: s.inactivityMinutes * 60,
    maxDwellS: s.maxDwellMinutes * 60,
    splitOnCampaign: s.splitOnCampaignChange,
    anonymizeIp: Boolean(s.anonymizeIp),
    siteDomains,
  }
}

/** Own domains: the sites table and the config's sites; a referrer from one of them is internal. */
async function siteDomains(ctx: PipelineContext): Promise<string[]> {
  const rows = await ctx.store.all<{domain: string}>(
    `select distinct lower(domain) as domain from sites where domain is not null and domain <> ''`,
  )
  const fromConfig = ctx.config.config.sites.map((s) => s.domain?.toLowerCase()).filter((d): d is string => Boolean(d))
  return [
    ...new Set(
      [...rows.map((r) => r.domain), ...fromConfig].map((d) =>
        d
          .replace(/^https?:\/\//, '')
          .replace(/\/.*$/, '')
          .replace(/^www\d?\./, ''),
      ),
    ),
  ].sort()
}

/**
 * {{raw}}: the events a run sessionizes (all of raw_probe_events, or the re-done visitors' in norm_src, whose kept
 * sessions norm_affected counts); {{in_batch}}: the condition on a raw row `e` that keeps batch `batch.index` of
 * `batch.count` (by the visitor's sessionization key).
 */
function renderStep(file: string, o: NormalizeOptions, raw = 'raw_probe_events', batch = {index: 0, count: 1}): string {
  const incremental = raw === 'norm_src'
  const domainCheck =
    o.siteDomains.length === 0
      ? 'false'
      : `list_bool_or(list_transform([${o.siteDomains.map(sqlString).join(', ')}]::VARCHAR[], d -> regexp_replace(ref_host, '^www\\d?\\.', '') = d or ends_with(ref_host, '.' || d)))`
  return renderSql(readSql(import.meta.url, file), {
    inactivity_s: o.inactivityS,
    max_dwell_s: o.maxDwellS,
    split_on_campaign: o.splitOnCampaign ? 'true' : 'false',
    anonymize_ip: o.anonymizeIp ? 'true' : 'false',
    site_domain_check: domainCheck,
    raw,
    rowid: incremental ? 'raw_rowid' : 'rowid',
    in_batch: batch.count > 1 ? `hash(e.site, e.visitor_id) % ${batch.count} = ${batch.index}` : 'true',
    temp: incremental ? 'temp' : '',
    kept: incremental ? 'coalesce(b.kept, 0)' : '0',
    kept_shift: incremental ? 'coalesce(b.kept_shift, 0)' : '0',
    kept_join: incremental ? 'left join norm_affected b on b.vkey = a.vkey' : '',
    visitor_sessions: incremental
      ? `(select * from sessions_core__staged union all by name
          select c.* from sessions_core c join norm_affected a using (vkey) where c.started_at < a.cut_ts)`
      : 'sessions_core__staged',
  })
}

/** Bytes of a DuckDB size setting as current_setting('memory_limit') prints it ("953.6 MiB", "1.0 GiB"). */
export function settingBytes(value: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(bytes|B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$/i.exec(value)
  if (!m) return undefined
  const unit = m[2].toLowerCase()
  const powers: Record<string, number> = {
    bytes: 1,
    b: 1,
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
    tb: 1e12,
    kib: 2 ** 10,
    mib: 2 ** 20,
    gib: 2 ** 30,
    tib: 2 ** 40,
  }
  return Number(m[1]) * powers[unit]
}

/**
 * How many batches of visitors a run sessionizes one after the other (of all raw events in a full rebuild, of the
 * re-done visitors' in an incremental run: `raw`), so that each statement's working set is a batch's and the peak memory
 * does not grow with the data: `store.rebuildBatchEvents` raw events per batch, or as many as DuckDB's memory limit
 * holds comfortably. Each visitor is whole in one batch (sessions, visit numbers and dwell depend on a visitor's events
 * and, in an incremental run, on its kept sessions, norm_affected), so the rows are those of a single pass.
 */
async function batchCount(ctx: PipelineContext, raw: string): Promise<number> {
  const events = await ctx.store.scalar<number>(`select count(*)::BIGINT from ${raw}`)
  let perBatch = ctx.config.config.store.rebuildBatchEvents
  if (perBatch === undefined) {
    const limit = settingBytes(await ctx.store.scalar<string>(`select current_setting('memory_limit')`))
    if (limit === undefined) return 1
    perBatch = Math.max(100_000, Math.floor(limit * BATCH_EVENTS_PER_BYTE))
  }
  return Math.max(1, Math.ceil(Number(events) / perBatch))
}

/** The days the sessions of `table` cover (a session past midnight covers both days). */
function sessionDays(table: string): string {
  return `select site, unnest(generate_series(started_at::DATE, ended_at::DATE, interval 1 day))::DATE as day from ${table} c`
}

/**
 * An incremental run's replaced sessions (vkey, site, started_at, ended_at, renumbered): the re-done ones (all of a
 * visitor re-done whole) and the kept ones whose visit numbers move (norm_shift; renumbered). Joins, not an OR of two
 * subqueries in a filter: DuckDB then hashes the affected visitors instead of testing every stored session (0.27 →
 * 0.05 s at 10 M events).
 */
const REPLACED = `(select c.vkey, c.site, c.started_at, c.ended_at, false as renumbered
  from sessions_core c join norm_affected a using (vkey)
  where a.cut_ts is null or c.started_at >= a.cut_ts
  union all
  select c.vkey, c.site, c.started_at, c.ended_at, true
  from sessions_core c join norm_affected a using (vkey) semi join norm_shift d using (vkey)
  where c.started_at < a.cut_ts)`

const normalize: Pipeline = {
  name: 'normalize',
  description: 'referrers, keywords, geo and devices per distinct value; sessions, visit numbers, dwell (events, sessions, visitors)',
  reads: ['raw_probe_events', 'sites'],
  writes: [
    'events',
    'event_sessions',
    'sessions',
    'sessions_core',
    'session_sources',
    'session_places',
    'session_devices',
    'visitors',
    'referrer_map',
    'landing_map',
    'ip_geo_map',
    'ua_map',
  ],
  incremental: true,
  // new and deleted raw rows by its watermark; the sites' domains are in its fingerprint
  follows: ['raw_probe_events', 'sites'],
  fingerprint: async (ctx) => {
    const hash = createHash('sha256')
    hash.update(JSON.stringify(options(ctx, await siteDomains(ctx))))
    hash.update(JSON.stringify([REFERRER_PARSER_VERSION, IP_PARSER_VERSION, UA_PARSER_VERSION]))
    for (const f of SQL_FILES) hash.update(readSql(import.meta.url, f))
    return hash.digest('hex')
  },
  // Everything heavy happens here, outside the transaction, into temp and `__staged` tables; run() publishes them.
  async stage(ctx) {
    const run = runInfo(ctx, 'normalize')
    const o = options(ctx, await siteDomains(ctx))
    const delta = run.full ? undefined : await rawDelta(ctx, 'raw_probe_events')
    if (!run.full && !delta) {
      run.full = true
      run.reason = 'no watermark yet'
    }
    const started = Date.now()
    // the parsers load their lists on import: only a run needs them, not a report checking freshness
    const {updateMaps} = await import('./maps.js')
    const counts = await updateMaps(ctx.store, delta?.from)
    ctx.log(
      `  parsed new distinct values: ${counts.referrers} referrers, ${counts.landings} campaign URLs, ${counts.ips} IPs, ${counts.userAgents} user agents (${Date.now() - started} ms)`,
    )
    // Row order in these tables means nothing (readers sort); DuckDB writes big tables faster without keeping it.
    const keepOrder = await ctx.store.scalar<boolean>(`select current_setting('preserve_insertion_order')`)
    await ctx.store.run('set preserve_insertion_order = false')
    try {
      let raw = 'raw_probe_events'
      if (delta) {
        const t = Date.now()
        await ctx.store.run(
          renderSql(readSql(import.meta.url, 'delta.sql'), {
            from: delta.from,
            deleted: delta.deleted ? 'true' : 'false',
            inactivity_s: o.inactivityS,
          }),
        )
        const low = await ctx.store.scalar<number | null>('select min(event_key) from norm_old_keys')
        await ctx.store.run(renderSql(readSql(import.meta.url, 'source.sql'), {from: delta.from, low: low ?? delta.from + 1}))
        raw = 'norm_src'
        const n = (await ctx.store.one<{visitors: number; known: number; whole: number}>(
          `select count(*)::INTEGER as visitors, count(*) filter (where known)::INTEGER as known,
             count(*) filter (where known and kept = 0)::INTEGER as whole from norm_affected`,
        ))!
        const events = await ctx.store.scalar<number>('select count(*)::INTEGER from norm_src')
        ctx.log(
          `  delta: ${n.visitors} visitors with new${delta.deleted ? ' or deleted' : ''} events, ${n.known} of them known (${n.known - n.whole} re-done from their latest stretch of activity, ${n.whole} whole); ${events} events to sessionize (${Date.now() - t} ms)`,
        )
      }
      // an incremental run's events (a day's, say) are batched the same way when they are many
      const count = await batchCount(ctx, raw)
      if (count > 1) ctx.log(`  ${delta ? 'the re-done visitors' : 'full rebuild'} in ${count} batches of visitors (bounded memory)`)
      await ctx.store.run(renderStep('staged.sql', o, raw))
      const took = new Map<string, number>()
      for (let index = 0; index < count; index++)
        for (const step of STEPS) {
          const t = Date.now()
          await ctx.store.run(renderStep(step, o, raw, {index, count}))
          took.set(step, (took.get(step) ?? 0) + Date.now() - t)
        }
      await ctx.store.run('drop view if exists norm_src; drop table if exists norm_old_rows')
      const t = Date.now()
      await ctx.store.run(renderStep('dimensions.sql', o, raw))
      if (delta) await ctx.store.run(readSql(import.meta.url, 'shift.sql'))
      took.set('dimensions.sql', Date.now() - t)
      for (const [step, ms] of took) ctx.log(`  ${step.replace('.sql', '')}: ${ms} ms`)
      return count > 1 ? {message: `sessionized in ${count} batches of visitors`} : undefined
    } catch (error) {
      await ctx.store.run(
        [...STAGED, ...SCRATCH].map((t) => `drop table if exists ${t};`).join('\n') +
          'drop view if exists norm_ev; drop view if exists norm_src;',
      )
      throw error
    } finally {
      await ctx.store.run(`set preserve_insertion_order = ${keepOrder ? 'true' : 'false'}`)
    }
  },
  async run(ctx) {
    const run = runInfo(ctx, 'normalize')
    let message: string
    let rowsWritten: number
    if (run.full) {
      await ctx.store.run(readSql(import.meta.url, 'publish.sql'))
      await ctx.store.run(viewsSql())
      const sessions = await ctx.store.scalar<number>('select count(*)::INTEGER from sessions_core')
      const events = await ctx.store.scalar<number>('select count(*)::INTEGER from event_sessions')
      message = `${events} events, ${sessions} sessions`
      rowsWritten = events + sessions
    } else {
      // the replaced sessions once: the days they cover, and each visitor's first changed session (from_ts below)
      await ctx.store.run(`create or replace temp table norm_replaced as select * from ${REPLACED}`)
      await logDays(ctx, sessionDays('norm_replaced'))
      await logDays(ctx, sessionDays('sessions_core__staged'))
      await ctx.store.run(`create or replace temp table norm_from as
        select vkey, min(started_at) filter (where not renumbered) as from_ts,
          min(started_at) filter (where renumbered) as renumbered_from
        from (select vkey, started_at, renumbered from norm_replaced
          union all select vkey, started_at, false from sessions_core__staged)
        group by vkey;
        drop table norm_replaced`)
      const sessions = await ctx.store.scalar<number>('select count(*)::INTEGER from sessions_core__staged')
      const events = await ctx.store.scalar<number>('select count(*)::INTEGER from event_sessions__staged')
      await ctx.store.run(readSql(import.meta.url, 'publish_delta.sql'))
      await ctx.store.run(viewsSql())
      // from_ts: the start of the visitor's first session replaced or added (its earlier ones are as they were), also
      // when it is re-done whole: downstream readers then bound their scans by the earliest from_ts (changes.ts since);
      // renumbered_from: the first of the earlier ones whose visit numbers moved (readers of visit numbers)
      const visitors = await logVisitors(
        ctx,
        'select a.site, a.visitor_id, f.from_ts, f.renumbered_from from norm_affected a left join norm_from f using (vkey)',
        true,
      )
      const partly = await ctx.store.scalar<number>('select count(*)::INTEGER from norm_affected where kept > 0')
      message = `${visitors} visitors re-done (${partly} from their latest stretch of activity): ${events} events, ${sessions} sessions`
      await ctx.store.run('drop table if exists norm_affected; drop table if exists norm_shift; drop table if exists norm_from')
      rowsWritten = events + sessions
    }
    // single writer: nothing was loaded since stage() read raw_probe_events
    await saveWatermark(ctx, 'raw_probe_events')
    return {rowsWritten, message}
  },
}

export default normalize
