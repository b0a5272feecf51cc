import {createHash} from 'node:crypto'
import {IP_PARSER_VERSION} from '../../enrich/ip.js'
import {REFERRER_PARSER_VERSION} from '../../enrich/referrer.js'
import {UA_PARSER_VERSION} from '../../enrich/ua.js'
import {readSql, renderSql} from '../../store/store.js'
import {sqlString} from '../../store/values.js'
import {logDays, logVisitors, rawDelta, runInfo, saveWatermark} from '../changes.js'
import type {Pipeline, PipelineContext} from '../types.js'
import {updateMaps} from './maps.js'

const STEPS = ['attribution.sql', 'sessionize.sql', 'pages.sql', 'tables.sql']
const STAGED = [
  'sessions_core__staged',
  'session_sources__staged',
  'session_places__staged',
  'session_devices__staged',
  'event_sessions__staged',
  'visitors__staged',
]
const SCRATCH = ['norm_quoted', 'norm_sess', 'norm_pages', 'norm_seq', 'norm_attr', 'norm_src', 'norm_affected']

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

/** {{raw}}: the events a run sessionizes (all of raw_probe_events, or the affected visitors' in norm_src). */
export function renderStep(file: string, o: NormalizeOptions, raw = 'raw_probe_events'): string {
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
  })
}

/** The days a visitor's sessions in `table` cover (a session past midnight covers both days). */
function sessionDays(table: string): string {
  return `select site, unnest(generate_series(started_at::DATE, ended_at::DATE, interval 1 day))::DATE as day
          from ${table} where vkey in (select vkey from norm_affected)`
}

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
    for (const f of [...STEPS, 'delta.sql', 'publish.sql', 'publish_delta.sql', 'views.sql']) hash.update(readSql(import.meta.url, f))
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
        await ctx.store.run(renderSql(readSql(import.meta.url, 'delta.sql'), {from: delta.from, deleted: delta.deleted ? 'true' : 'false'}))
        raw = 'norm_src'
        const visitors = await ctx.store.scalar<number>('select count(*)::INTEGER from norm_affected')
        const events = await ctx.store.scalar<number>('select count(*)::INTEGER from norm_src')
        ctx.log(
          `  delta: ${visitors} visitors with new${delta.deleted ? ' or deleted' : ''} events, ${events} events of theirs (${Date.now() - t} ms)`,
        )
      }
      for (const step of STEPS) {
        const t = Date.now()
        await ctx.store.run(renderStep(step, o, raw))
        ctx.log(`  ${step.replace('.sql', '')}: ${Date.now() - t} ms`)
      }
    } catch (error) {
      await ctx.store.run([...STAGED, ...SCRATCH].map((t) => `drop table if exists ${t};`).join('\n') + 'drop view if exists norm_ev;')
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
      await ctx.store.run(readSql(import.meta.url, 'views.sql'))
      const sessions = await ctx.store.scalar<number>('select count(*)::INTEGER from sessions_core')
      const events = await ctx.store.scalar<number>('select count(*)::INTEGER from event_sessions')
      message = `${events} events, ${sessions} sessions`
      rowsWritten = events + sessions
    } else {
      await logDays(ctx, sessionDays('sessions_core'))
      await logDays(ctx, sessionDays('sessions_core__staged'))
      const sessions = await ctx.store.scalar<number>('select count(*)::INTEGER from sessions_core__staged')
      const events = await ctx.store.scalar<number>('select count(*)::INTEGER from event_sessions__staged')
      await ctx.store.run(readSql(import.meta.url, 'publish_delta.sql'))
      await ctx.store.run(readSql(import.meta.url, 'views.sql'))
      const visitors = await logVisitors(ctx, 'select site, visitor_id from norm_affected')
      await ctx.store.run('drop table if exists norm_affected')
      message = `${visitors} visitors re-done: ${events} events, ${sessions} sessions`
      rowsWritten = events + sessions
    }
    // single writer: nothing was loaded since stage() read raw_probe_events
    await saveWatermark(ctx, 'raw_probe_events')
    return {rowsWritten, message}
  },
}

export default normalize
