import {CcxError, EXIT} from '../errors.js'
import type {Store} from '../store/store.js'
import {sqlString} from '../store/values.js'

export interface DateRange {
  from?: string
  to?: string
}

/** `--from`/`--to` → a half-open [from, to) timestamp range; a bare date in `to` includes that whole day. */
export function resolveRange(range: DateRange): {from: string; to: string} {
  const parse = (value: string, flag: string, endOfDay: boolean): string => {
    const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2})?))?$/.exec(value.trim())
    if (!m) {
      throw new CcxError(`${flag} ${value} is not a date: use YYYY-MM-DD or "YYYY-MM-DD HH:MM:SS"`, {code: 'BAD_DATE', exit: EXIT.usage})
    }
    const day = new Date(`${m[1]}T00:00:00Z`)
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== m[1]) {
      throw new CcxError(`${flag} ${value} is not a calendar date`, {code: 'BAD_DATE', exit: EXIT.usage})
    }
    if (m[2]) return `${m[1]} ${m[2].length === 5 ? m[2] + ':00' : m[2]}`
    if (!endOfDay) return `${m[1]} 00:00:00`
    const next = new Date(`${m[1]}T00:00:00Z`)
    next.setUTCDate(next.getUTCDate() + 1)
    return `${next.toISOString().slice(0, 10)} 00:00:00`
  }
  return {
    from: range.from ? parse(range.from, '--from', false) : '1970-01-01 00:00:00',
    to: range.to ? parse(range.to, '--to', true) : '9999-12-31 00:00:00',
  }
}

/** Fails with a pointer to `ccx run` when the intermediate tables a report reads are not built yet. */
export async function requireTables(store: Store, tables: string[]): Promise<void> {
  for (const table of tables) {
    if (!(await store.tableExists(table))) {
      throw new CcxError(`table ${table} does not exist in ${store.path}: reports read the normalized tables`, {
        code: 'NO_TABLE',
        exit: EXIT.failure,
        suggestions: ['Load data with `ccx ingest …`, then build the tables with `ccx run`.'],
      })
    }
  }
}

export function siteFilter(site: string | undefined, column = 'site', nullable = false): string {
  if (!site) return 'true'
  return nullable ? `(${column} = ${sqlString(site)} or ${column} is null)` : `${column} = ${sqlString(site)}`
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
