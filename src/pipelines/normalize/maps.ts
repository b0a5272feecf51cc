import type {DuckDBAppender} from '@duckdb/node-api'
import {lookupIp, IP_PARSER_VERSION} from '../../enrich/ip.js'
import {CAMPAIGN_MARKER_SQL, parseLanding, parseReferrer, REFERRER_PARSER_VERSION} from '../../enrich/referrer.js'
import {parseUserAgent, UA_PARSER_VERSION} from '../../enrich/ua.js'
import type {Store} from '../../store/store.js'
import {sqlString} from '../../store/values.js'

export interface MapCounts {
  referrers: number
  landings: number
  ips: number
  userAgents: number
}

/**
 * Distinct values of one query's single column, read in one go. The queries take the distinct values first and then
 * drop those already mapped (an anti-join on thousands of values, not on every row).
 */
async function distinctValues(store: Store, sql: string): Promise<string[]> {
  const reader = await store.connection.runAndReadAll(sql)
  const column = reader.getColumnsJS()[0] ?? []
  return column as string[]
}

function text(appender: DuckDBAppender, value: string | null): void {
  if (value === null) appender.appendNull()
  else appender.appendVarchar(value)
}

/**
 * Parses each new distinct referrer, campaign landing URL, IP and user agent once, and appends the results to
 * referrer_map, landing_map, ip_geo_map and ua_map. Rows written by an older parser version are dropped first.
 * `after`: only events with a larger event_key can hold new values (an incremental run; the maps hold the rest).
 */
export async function updateMaps(store: Store, after?: number): Promise<MapCounts> {
  const since = after === undefined ? '' : ` and event_key > ${Number(after)}`
  await store.run(`delete from referrer_map where version <> ${REFERRER_PARSER_VERSION}`)
  await store.run(`delete from landing_map where version <> ${REFERRER_PARSER_VERSION}`)
  await store.run(`delete from ip_geo_map where version <> ${IP_PARSER_VERSION}`)
  await store.run(`delete from ua_map where version <> ${UA_PARSER_VERSION}`)

  const referrers = await distinctValues(
    store,
    `select referrer from (select distinct referrer from raw_probe_events where type = 'pageview' and referrer <> ''${since}) d
     where not exists (select 1 from referrer_map m where m.referrer = d.referrer)`,
  )
  await store.append('referrer_map', referrers.length, (a, k) => {
    const ref = referrers[k]!
    const p = parseReferrer(ref)
    a.appendVarchar(ref)
    text(a, p.host)
    a.appendVarchar(p.medium)
    text(a, p.source)
    text(a, p.term)
    text(a, p.termRaw)
    a.appendInteger(REFERRER_PARSER_VERSION)
  })

  const landings = await distinctValues(
    store,
    // the pattern runs once per distinct page URL, not once per pageview
    `select url from (select distinct e.url from raw_probe_events e where e.type = 'pageview' and e.url is not null${since}) u
     where regexp_matches(u.url, ${sqlString(CAMPAIGN_MARKER_SQL)}, 'i')
       and not exists (select 1 from landing_map m where m.url = u.url)`,
  )
  await store.append('landing_map', landings.length, (a, k) => {
    const url = landings[k]!
    const l = parseLanding(url)
    a.appendVarchar(url)
    text(a, l.host)
    text(a, l.medium)
    text(a, l.fallbackMedium)
    text(a, l.source)
    text(a, l.term)
    text(a, l.termRaw)
    text(a, l.campaign)
    a.appendInteger(REFERRER_PARSER_VERSION)
  })

  const ips = await distinctValues(
    store,
    `select ip from (select distinct ip from raw_probe_events where ip <> ''${since}) d
     where not exists (select 1 from ip_geo_map m where m.ip = d.ip)`,
  )
  await store.append('ip_geo_map', ips.length, (a, k) => {
    const ip = ips[k]!
    const g = lookupIp(ip)
    a.appendVarchar(ip)
    text(a, g.country)
    text(a, g.province)
    text(a, g.city)
    text(a, g.isp)
    a.appendInteger(IP_PARSER_VERSION)
  })

  const userAgents = await distinctValues(
    store,
    `select user_agent from (select distinct user_agent from raw_probe_events where user_agent is not null${since}) d
     where not exists (select 1 from ua_map m where m.user_agent = d.user_agent)`,
  )
  await store.append('ua_map', userAgents.length, (a, k) => {
    const ua = userAgents[k]!
    const u = parseUserAgent(ua)
    a.appendVarchar(ua)
    text(a, u.browser)
    text(a, u.browserVersion)
    text(a, u.os)
    text(a, u.osVersion)
    a.appendVarchar(u.deviceType)
    a.appendBoolean(u.isBot)
    text(a, u.botName)
    a.appendInteger(UA_PARSER_VERSION)
    text(a, u.brand)
    text(a, u.model)
    text(a, u.app)
  })

  return {referrers: referrers.length, landings: landings.length, ips: ips.length, userAgents: userAgents.length}
}
