/**
 * `ccx warehouse`: publish the normalized tables and marts day by day to ClickHouse, and the connection the
 * `report … --warehouse` queries use. See docs/scale.md "ClickHouse warehouse".
 */
import {createHash} from 'node:crypto'
import type {CcxConfig} from '../config/schema.js'
import {CcxError, EXIT} from '../errors.js'
import {readSql, renderSql, type Store} from '../store/store.js'
import {sqlString} from '../store/values.js'
import {MART_TABLES} from '../marts/marketing.js'
import {ClickHouse, chString, tsvField} from './clickhouse.js'
import {SITES_TABLE, WAREHOUSE_TABLES, type WarehouseTable} from './tables.js'

export interface Warehouse {
  /** The server reports query (holds the Distributed tables). */
  client: ClickHouse
  /** Every shard's server: local tables and per-day replacement run on each. */
  shards: ClickHouse[]
  cluster: string | null
  database: string
  /** The name a query reads a table by: the Distributed table, or the local one on a single server without a cluster. */
  table: (name: string) => string
  /** The shard-local table (a query sent to every shard by a Distributed table joins it on that shard). */
  local: (name: string) => string
}

export function openWarehouse(config: CcxConfig): Warehouse {
  const ch = config.warehouse?.clickhouse
  if (!ch) {
    throw new CcxError('no warehouse configured: --warehouse and `ccx warehouse` need warehouse.clickhouse.url in the config', {
      code: 'NO_WAREHOUSE',
      exit: EXIT.invalidConfig,
      suggestions: ['Add {"warehouse": {"clickhouse": {"url": "http://127.0.0.1:8123"}}} to ccx.config.json (docs/config.md)'],
    })
  }
  const shardUrls = ch.shards ?? [ch.url]
  if (shardUrls.length > 1 && !ch.cluster) {
    throw new CcxError(`warehouse.clickhouse.shards names ${shardUrls.length} servers but no cluster: set warehouse.clickhouse.cluster`, {
      code: 'BAD_WAREHOUSE',
      exit: EXIT.invalidConfig,
      suggestions: ['cluster is the remote_servers name in the servers’ config.xml that lists every shard (docs/scale.md)'],
    })
  }
  const make = (url: string) => new ClickHouse({url, user: ch.user, password: ch.password})
  const database = ch.database
  const cluster = ch.cluster ?? null
  return {
    client: make(ch.url),
    shards: shardUrls.map(make),
    cluster,
    database,
    table: (name) => (cluster ? `${database}.${name}` : `${database}.${name}_local`),
    local: (name) => `${database}.${name}_local`,
  }
}

/** Creates the local tables on every shard and the Distributed tables on the query server (idempotent). */
export async function ensureTables(wh: Warehouse): Promise<void> {
  if (wh.cluster) {
    const rows = await wh.client.all<{n: string}>(`select count() as n from system.clusters where cluster = ${chString(wh.cluster)}`)
    const n = Number(rows[0]?.n ?? 0)
    if (n === 0) {
      throw new CcxError(`ClickHouse at ${wh.client.url} has no cluster "${wh.cluster}" in its remote_servers`, {
        code: 'BAD_WAREHOUSE',
        exit: EXIT.invalidConfig,
        suggestions: [`select cluster from system.clusters lists the server's clusters`],
      })
    }
    if (n !== wh.shards.length) {
      // a shard ccx does not know of would keep the old rows of a re-published day
      throw new CcxError(`cluster "${wh.cluster}" has ${n} shards but warehouse.clickhouse.shards lists ${wh.shards.length} servers`, {
        code: 'BAD_WAREHOUSE',
        exit: EXIT.invalidConfig,
        suggestions: ['List the HTTP URL of every shard in warehouse.clickhouse.shards'],
      })
    }
  }
  const ddl = readSql(import.meta.url, 'ddl.sql')
  for (const shard of wh.shards) {
    for (const t of WAREHOUSE_TABLES) {
      await shard.exec(
        renderSql(ddl, {
          database: wh.database,
          table: t.name,
          columns: t.columns.map(([c, type]) => `${c} ${type}`).join(', '),
          order: t.order,
        }),
      )
    }
  }
  if (wh.cluster) {
    const dist = readSql(import.meta.url, 'ddl_distributed.sql')
    for (const t of WAREHOUSE_TABLES) await wh.client.exec(renderSql(dist, {database: wh.database, table: t.name, cluster: wh.cluster}))
  }
  await wh.client.exec(`create table if not exists ${wh.database}.${SITES_TABLE} (site String, industry Nullable(String)) engine = TinyLog`)
  // what each publish sent, per day and site (the latest row of a day and site counts): the next publish skips what is the same
  await wh.client.exec(
    `create table if not exists ${wh.database}.${PUBLISHED_TABLE} (day Date, site String, fingerprint String, published_ms UInt64) engine = MergeTree order by (day, site)`,
  )
}

export interface PublishedDay {
  day: string
  site: string | null
  rows: Record<string, number>
}

export interface PublishResult {
  url: string
  cluster: string | null
  shards: number
  days: PublishedDay[]
  rows: number
  /** Days of the range not sent: their rows are what the last publish sent (--all sends them). */
  unchanged: number
}

/** The warehouse's record of what each publish sent (day, site, fingerprint). */
const PUBLISHED_TABLE = 'ccx_published'

/** Rows sent per INSERT: bounded memory for a day of tens of millions of events. */
const CHUNK = 200_000

/**
 * Publishes each day of [from, to] (default: every day with data) whose rows changed since the last publish (`all`:
 * every day): the day's rows of every table are replaced — the day's partition dropped on every shard (or, for one
 * site, its rows deleted) and the rows inserted again — so re-publishing never doubles a day. A day is unchanged when
 * every site's fingerprint of its rows (fingerprint.sql, all tables) is the one the warehouse recorded when it was last
 * sent; the record is written after the day's rows, so an interrupted publish sends the day again.
 */
export async function publish(
  store: Store,
  wh: Warehouse,
  options: {from?: string | null; to?: string | null; site?: string; all?: boolean; log: (m: string) => void},
): Promise<PublishResult> {
  await requireBuilt(store)
  await ensureTables(wh)
  await publishSites(store, wh)
  const span = await store.one<{first: string | null; last: string | null}>(readSql(import.meta.url, 'publish/days.sql'))
  const first = options.from ? options.from.slice(0, 10) : span?.first
  // `to` is exclusive: its day is published only when the range ends after its midnight
  const last = options.to ? lastDayBefore(options.to) : span?.last
  const days: PublishedDay[] = []
  if (!first || !last || first > last) {
    options.log('nothing to publish: no data in the range')
    return {url: wh.client.url, cluster: wh.cluster, shards: wh.shards.length, days, rows: 0, unchanged: 0}
  }
  const local = await localFingerprints(store, first, last, options.site)
  const sent = await sentFingerprints(wh, first, last, options.site)
  let unchanged = 0
  for (let day = first; day <= last; day = nextDay(day)) {
    const sites = [...new Set([...(local.get(day)?.keys() ?? []), ...(sent.get(day)?.keys() ?? [])])]
    const now = new Map(sites.map((site) => [site, local.get(day)?.get(site) ?? '']))
    if (!options.all && sites.every((site) => now.get(site) === (sent.get(day)?.get(site) ?? ''))) {
      unchanged++
      continue
    }
    const started = Date.now()
    const rows: Record<string, number> = {}
    for (const t of WAREHOUSE_TABLES) {
      await clearDay(wh, t, day, options.site)
      rows[t.name] = await copyDay(store, wh, t, day, options.site)
    }
    if (sites.length > 0) {
      const published = Date.now()
      const record = sites.map((site) => `${day}\t${tsvField(site)}\t${now.get(site)}\t${published}\n`).join('')
      await wh.client.insertTsv(`${wh.database}.${PUBLISHED_TABLE}`, ['day', 'site', 'fingerprint', 'published_ms'], record)
    }
    const total = Object.values(rows).reduce((a, b) => a + b, 0)
    days.push({day, site: options.site ?? null, rows})
    options.log(
      `published ${day}${options.site ? ` (site ${options.site})` : ''}: ${total} rows in ${WAREHOUSE_TABLES.length} tables, ${Date.now() - started} ms`,
    )
  }
  if (unchanged > 0) options.log(`${unchanged} day(s) unchanged since the last publish, not sent (--all sends them)`)
  return {
    url: wh.client.url,
    cluster: wh.cluster,
    shards: wh.shards.length,
    days,
    rows: days.reduce((a, d) => a + Object.values(d.rows).reduce((x, y) => x + y, 0), 0),
    unchanged,
  }
}

type DayFingerprints = Map<string, Map<string, string>>

/** day → site ('' for rows without one) → fingerprint of the rows every table would publish for them. */
async function localFingerprints(store: Store, first: string, last: string, site: string | undefined): Promise<DayFingerprints> {
  const parts = new Map<string, string[]>()
  for (const t of WAREHOUSE_TABLES) {
    const sql = renderSql(readSql(import.meta.url, 'publish/fingerprint.sql'), {
      query: publishQuery(t, site),
      columns: t.columns.map(([c]) => c).join(', '),
    })
    const rows = await store.all<{day: string; site: string; n: number; h: string}>(sql, range(first, nextDay(last)))
    for (const r of rows) {
      const key = `${r.day}\u0001${r.site}`
      parts.set(key, [...(parts.get(key) ?? []), `${t.name}:${r.n}:${r.h}`])
    }
  }
  const out: DayFingerprints = new Map()
  for (const [key, list] of parts) {
    const [day, s] = key.split('\u0001')
    if (!out.has(day)) out.set(day, new Map())
    out.get(day)!.set(s, createHash('sha256').update(list.sort().join(';')).digest('hex').slice(0, 32))
  }
  return out
}

/** What the warehouse recorded for the days of the range (the latest publish of each day and site). */
async function sentFingerprints(wh: Warehouse, first: string, last: string, site: string | undefined): Promise<DayFingerprints> {
  // ClickHouse's aliases apply in WHERE too: `toString(day) as day` would compare strings with dates
  const rows = await wh.client.all<{d: string; site: string; fingerprint: string}>(
    `select toString(day) as d, site, argMax(fingerprint, published_ms) as fingerprint from ${wh.database}.${PUBLISHED_TABLE}
     where day >= toDate(${chString(first)}) and day <= toDate(${chString(last)})${site === undefined ? '' : ` and site = ${chString(site)}`}
     group by day, site`,
  )
  const out: DayFingerprints = new Map()
  for (const r of rows) {
    if (!out.has(r.d)) out.set(r.d, new Map())
    out.get(r.d)!.set(r.site, r.fingerprint)
  }
  return out
}

/** A table's publish query for the rows of [$start, $end) (of one site). */
function publishQuery(t: WarehouseTable, site: string | undefined): string {
  return renderSql(readSql(import.meta.url, `publish/${t.file}`), {site_filter: site ? `site = ${sqlString(site)}` : 'true'})
}

function range(day: string, end: string): {start: string; end: string} {
  return {start: `${day} 00:00:00`, end: `${end} 00:00:00`}
}

async function requireBuilt(store: Store): Promise<void> {
  for (const t of [...MART_TABLES, 'sessions', 'events']) {
    if (!(await store.tableExists(t))) {
      throw new CcxError(`${store.path} has no ${t} yet: the warehouse publishes what \`ccx run\` builds`, {
        code: 'NO_TABLE',
        exit: EXIT.failure,
        suggestions: ['Run `ccx run` (it builds the normalized tables and the marketing marts), then publish.'],
      })
    }
  }
}

async function publishSites(store: Store, wh: Warehouse): Promise<void> {
  const sites = await store.all<{site: string; industry: string | null}>('select site, industry from sites order by site')
  const table = `${wh.database}.${SITES_TABLE}`
  // TinyLog has no DELETE: the small table is dropped and created again
  await wh.client.exec(`drop table if exists ${table}`)
  await wh.client.exec(`create table ${table} (site String, industry Nullable(String)) engine = TinyLog`)
  if (sites.length)
    await wh.client.insertTsv(table, ['site', 'industry'], sites.map((s) => `${tsvField(s.site)}\t${tsvField(s.industry)}\n`).join(''))
}

async function clearDay(wh: Warehouse, t: WarehouseTable, day: string, site: string | undefined): Promise<void> {
  for (const shard of wh.shards) {
    if (!site) {
      await shard.exec(`alter table ${wh.local(t.name)} drop partition ${chString(day)}`)
    } else {
      // one site of a day: a mutation (18.16 has ALTER DELETE), waited for so the insert that follows is not deleted too
      await shard.exec(`alter table ${wh.local(t.name)} delete where day = ${chString(day)} and site = ${chString(site)}`)
      await waitForMutations(shard, wh.database, `${t.name}_local`)
    }
  }
}

async function waitForMutations(shard: ClickHouse, database: string, table: string): Promise<void> {
  const deadline = Date.now() + 600_000
  for (;;) {
    const rows = await shard.all<{n: string}>(
      `select count() as n from system.mutations where database = ${chString(database)} and table = ${chString(table)} and is_done = 0`,
    )
    if (Number(rows[0]?.n ?? 0) === 0) return
    if (Date.now() > deadline) {
      throw new CcxError(`ClickHouse at ${shard.url}: the delete on ${table} did not finish within 10 minutes`, {
        code: 'WAREHOUSE_ERROR',
        exit: EXIT.failure,
      })
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

async function copyDay(store: Store, wh: Warehouse, t: WarehouseTable, day: string, site: string | undefined): Promise<number> {
  const sql = publishQuery(t, site)
  const columns = t.columns.map(([c]) => c)
  let copied = 0
  for (let offset = 0; ; offset += CHUNK) {
    const rows = await store.all(`select * from (${sql}) order by all limit ${CHUNK} offset ${offset}`, range(day, nextDay(day)))
    if (rows.length === 0) break
    const body = rows.map((r) => columns.map((c) => tsvField(r[c])).join('\t')).join('\n') + '\n'
    // synchronous: the rows are on their shards when the INSERT returns (a report right after sees them)
    await wh.client.insertTsv(`${wh.table(t.name)}`, columns, body)
    copied += rows.length
    if (rows.length < CHUNK) break
  }
  return copied
}

export interface StatusRow {
  day: string
  site: string | null
  sessions: number
  steps: number
  events: number
}

/** What the warehouse holds per day and site. */
export async function warehouseStatus(wh: Warehouse): Promise<StatusRow[]> {
  await ensureTables(wh)
  const per = (table: string, col: string) =>
    `select toString(day) as day, site, count() as ${col} from ${wh.table(table)} group by day, site`
  const [sessions, steps, events] = await Promise.all([
    wh.client.all(per('ccx_sessions', 'n')),
    wh.client.all(per('ccx_funnel_steps', 'n')),
    wh.client.all(per('ccx_events', 'n')),
  ])
  const out = new Map<string, StatusRow>()
  const add = (rows: Record<string, unknown>[], field: 'sessions' | 'steps' | 'events') => {
    for (const r of rows) {
      const key = `${r.day}\u0001${r.site ?? ''}`
      const row = out.get(key) ?? {day: String(r.day), site: (r.site as string | null) ?? null, sessions: 0, steps: 0, events: 0}
      row[field] = Number(r.n)
      out.set(key, row)
    }
  }
  add(sessions, 'sessions')
  add(steps, 'steps')
  add(events, 'events')
  return [...out.values()].sort((a, b) => (a.day === b.day ? String(a.site).localeCompare(String(b.site)) : a.day < b.day ? -1 : 1))
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
}

function lastDayBefore(to: string): string {
  return new Date(Date.parse(`${to.replace(' ', 'T')}Z`) - 1000).toISOString().slice(0, 10)
}
