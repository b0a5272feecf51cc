import {createHash} from 'node:crypto'
import {IP_PARSER_VERSION} from '../../enrich/ip.js'
import {REFERRER_PARSER_VERSION} from '../../enrich/referrer.js'
import {UA_PARSER_VERSION} from '../../enrich/ua.js'
import {readSql, renderSql} from '../../store/store.js'
import {sqlString} from '../../store/values.js'
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
const SCRATCH = ['norm_quoted', 'norm_sess', 'norm_pages', 'norm_seq', 'norm_attr']

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

export function renderStep(file: string, o: NormalizeOptions): string {
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
  })
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
  fingerprint: async (ctx) => {
    const hash = createHash('sha256')
    hash.update(JSON.stringify(options(ctx, await siteDomains(ctx))))
    hash.update(JSON.stringify([REFERRER_PARSER_VERSION, IP_PARSER_VERSION, UA_PARSER_VERSION]))
    for (const f of [...STEPS, 'publish.sql', 'views.sql']) hash.update(readSql(import.meta.url, f))
    return hash.digest('hex')
  },
  // Everything heavy happens here, outside the transaction, into temp and `__staged` tables; run() publishes them.
  async stage(ctx) {
    const o = options(ctx, await siteDomains(ctx))
    const started = Date.now()
    const counts = await updateMaps(ctx.store)
    ctx.log(
      `  parsed new distinct values: ${counts.referrers} referrers, ${counts.landings} campaign URLs, ${counts.ips} IPs, ${counts.userAgents} user agents (${Date.now() - started} ms)`,
    )
    // Row order in these tables means nothing (readers sort); DuckDB writes big tables faster without keeping it.
    const keepOrder = await ctx.store.scalar<boolean>(`select current_setting('preserve_insertion_order')`)
    await ctx.store.run('set preserve_insertion_order = false')
    try {
      for (const step of STEPS) {
        const t = Date.now()
        await ctx.store.run(renderStep(step, o))
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
    await ctx.store.run(readSql(import.meta.url, 'publish.sql'))
    await ctx.store.run(readSql(import.meta.url, 'views.sql'))
    const sessions = await ctx.store.scalar<number>('select count(*)::INTEGER from sessions_core')
    const events = await ctx.store.scalar<number>('select count(*)::INTEGER from event_sessions')
    return {rowsWritten: events + sessions, message: `${events} events, ${sessions} sessions`}
  },
}

export default normalize
