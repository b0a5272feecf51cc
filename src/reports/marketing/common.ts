// What the marketing reports share: breakdown dimensions, durations, the steps CTEs, --where handling.
import {readSql, renderSql, type Store} from '../../store/store.js'
import {CcxError, EXIT} from '../../errors.js'
import {siteFilter} from '../common.js'

/** The `steps` and `session_outcomes` CTEs of steps.sql for one site (or all). */
export function stepsCte(site?: string): string {
  return renderSql(readSql(import.meta.url, 'steps.sql'), {
    site_filter: siteFilter(site),
    site_filter_nullable: siteFilter(site, 'site', true),
  })
}

/** The classified intent of each session: the most confident label; sessions without one get '(unclassified)'. */
export async function intentsSubquery(store: Store): Promise<string> {
  return (await store.tableExists('session_intents'))
    ? '(select session_id, arg_max(intent, confidence) as intent from session_intents group by session_id)'
    : '(select null::VARCHAR as session_id, null::VARCHAR as intent where false)'
}

export function num(v: unknown): number {
  return v === null || v === undefined ? 0 : Number(v)
}

export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v)
}

/** `--where`: a SQL condition on the session `s.*` and its intent `si.intent`, wrapped for a WHERE clause. */
export function whereSql(where: string | undefined): string {
  return where ? `(${where})` : 'true'
}

/** Runs a report query; a --where that DuckDB cannot bind or parse becomes a usage error naming the flag. */
export async function allWithWhere(store: Store, sql: string, params: Record<string, unknown>, where: string | undefined): Promise<Record<string, unknown>[]> {
  try {
    return await store.all(sql, params)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (where && /Binder Error|Parser Error|Conversion Error/.test(message)) {
      throw new CcxError(`--where ${where}: ${message.split('\n')[0]}`, {
        code: 'BAD_WHERE',
        exit: EXIT.usage,
        suggestions: ["--where is a SQL condition on the session s.* (s.source, s.city, s.device_type, s.term, …) and si.intent, e.g. \"s.device_type = 'mobile'\""],
      })
    }
    throw error
  }
}

/** Dimensions a report can break down by: name → SQL on the entry session `s`, its intent `si` and stage-1 time `u_t1`. */
export const DIMENSIONS: Record<string, {sql: string; description: string}> = {
  site: {sql: 's.site', description: 'site'},
  source: {sql: 's.source', description: 'traffic source (search engine, social network, referring site, direct)'},
  engine: {sql: "case when s.term is not null or s.medium in ('search', 'paid', 'organic', 'cpc', 'paid_search') then s.source end", description: 'search engine (sessions from search only)'},
  keyword: {sql: 's.term', description: 'normalized search keyword'},
  keyword_raw: {sql: 's.term_raw', description: 'keyword as typed'},
  medium: {sql: 's.medium', description: 'medium (search, social, referral, direct, campaign…)'},
  channel: {sql: 's.medium', description: 'alias of medium'},
  campaign: {sql: 's.campaign', description: 'campaign'},
  intent: {sql: 'si.intent', description: 'classified intent of the entry session'},
  province: {sql: 's.province', description: 'province (IP geo)'},
  city: {sql: 's.city', description: 'city (IP geo)'},
  country: {sql: 's.country', description: 'country (IP geo)'},
  isp: {sql: 's.isp', description: 'ISP'},
  device: {sql: 's.device_type', description: 'device type'},
  browser: {sql: 's.browser', description: 'browser'},
  os: {sql: 's.os', description: 'operating system'},
  landing: {sql: 's.entry_url', description: 'landing page (entry URL)'},
  landing_page: {sql: 's.entry_url', description: 'alias of landing'},
  returning: {sql: "case when s.is_returning then 'returning' else 'new' end", description: 'new or returning visitor'},
  day: {sql: "strftime(u_t1, '%Y-%m-%d')", description: 'day of stage 1'},
  week: {sql: "strftime(date_trunc('week', u_t1), '%Y-%m-%d')", description: 'ISO week (Monday) of stage 1'},
  month: {sql: "strftime(u_t1, '%Y-%m')", description: 'month of stage 1'},
}

export function parseDimensions(spec: string | undefined): string[] {
  if (!spec) return []
  const names = spec.split(',').map((s) => s.trim()).filter(Boolean)
  for (const name of names) {
    if (!(name in DIMENSIONS)) {
      throw new CcxError(`unknown breakdown dimension "${name}"`, {
        code: 'BAD_DIMENSION',
        exit: EXIT.usage,
        suggestions: [`Use one or more of: ${Object.keys(DIMENSIONS).join(', ')}`],
      })
    }
  }
  return names
}

export function parseDuration(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?$/.exec(value.trim())
  if (!m) throw new CcxError(`${flag} ${value} is not a duration: use e.g. 30m, 12h, 7d, 2w`, {code: 'BAD_DURATION', exit: EXIT.usage})
  const unit = {s: 1, m: 60, h: 3600, d: 86400, w: 604800}[(m[2] ?? 'd') as 's' | 'm' | 'h' | 'd' | 'w']
  return Math.round(Number(m[1]) * unit)
}
