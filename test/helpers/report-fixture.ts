// Hand-built intermediate tables (the contract of common.md: events, sessions, visitors, session_intents)
// for the marketing report tests; each fixture's expected answers are worked out in the test that uses it.
import type {Store} from '../../src/store/store.js'

export const INTERMEDIATE_DDL = `
create or replace table events (
  event_id VARCHAR, site VARCHAR, visitor_id VARCHAR, session_id VARCHAR, ts TIMESTAMP, type VARCHAR, url VARCHAR,
  title VARCHAR, x INTEGER, y INTEGER, selector VARCHAR, member_id VARCHAR, directive_id VARCHAR, ref_id VARCHAR,
  value DOUBLE, seq_in_session INTEGER, dwell_s DOUBLE, is_bot BOOLEAN);
create or replace table sessions (
  session_id VARCHAR, site VARCHAR, visitor_id VARCHAR, visit_number INTEGER, is_returning BOOLEAN, started_at TIMESTAMP,
  ended_at TIMESTAMP, duration_s DOUBLE, engaged_s DOUBLE, pageviews INTEGER, events INTEGER, entry_url VARCHAR,
  exit_url VARCHAR, entry_title VARCHAR, bounce BOOLEAN, medium VARCHAR, source VARCHAR, term VARCHAR, term_raw VARCHAR,
  campaign VARCHAR, referrer VARCHAR, country VARCHAR, province VARCHAR, city VARCHAR, isp VARCHAR, browser VARCHAR,
  os VARCHAR, device_type VARCHAR, is_bot BOOLEAN, member_id VARCHAR);
create or replace table visitors (
  site VARCHAR, visitor_id VARCHAR, first_seen TIMESTAMP, last_seen TIMESTAMP, visits INTEGER, member_id VARCHAR,
  province VARCHAR, city VARCHAR);
create or replace table session_intents (session_id VARCHAR, intent VARCHAR, confidence DOUBLE, method VARCHAR, evidence VARCHAR);
`

export async function createIntermediateTables(store: Store): Promise<void> {
  await store.run(INTERMEDIATE_DDL)
}

/** Inserts rows through one VALUES statement per table (small fixtures only). */
export async function insertRows(store: Store, table: string, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))]
  const lit = (v: unknown): string => {
    if (v === null || v === undefined) return 'NULL'
    if (typeof v === 'number') return String(v)
    if (typeof v === 'boolean') return v ? 'true' : 'false'
    return `'${String(v).replaceAll("'", "''")}'`
  }
  const values = rows.map((r) => `(${columns.map((c) => lit(r[c])).join(', ')})`).join(',\n')
  await store.run(`insert into ${table} (${columns.join(', ')}) values ${values}`)
}

export interface SessionSeed {
  session_id: string
  visitor_id: string
  started_at: string
  site?: string
  source?: string | null
  medium?: string | null
  term?: string | null
  city?: string | null
  province?: string | null
  device_type?: string
  entry_url?: string
  exit_url?: string
  is_bot?: boolean
  visit_number?: number
  pageviews?: number
}

export function session(seed: SessionSeed): Record<string, unknown> {
  return {
    site: 's1',
    medium: seed.term ? 'search' : seed.source ? 'referral' : 'direct',
    source: null,
    term: null,
    device_type: 'desktop',
    entry_url: 'https://ex.cn/',
    exit_url: 'https://ex.cn/',
    is_bot: false,
    visit_number: 1,
    is_returning: (seed.visit_number ?? 1) > 1,
    pageviews: 1,
    ended_at: seed.started_at,
    country: '中国',
    ...seed,
    term_raw: seed.term ?? null,
  }
}

export function event(e: {
  site?: string
  visitor_id: string
  session_id: string
  ts: string
  type: string
  url?: string
  value?: number
  x?: number
  y?: number
  dwell_s?: number
  ref_id?: string
  directive_id?: string
  title?: string
}): Record<string, unknown> {
  return {site: 's1', is_bot: false, event_id: `${e.session_id}-${e.ts}-${e.type}`, ...e}
}

// The funnel fixture (site s1, range 2026-11-01 … 2026-11-07). Stages: traffic → inquiries → leads → orders.
//  v1  baidu 佳能维修站  A 11-01 10:00; chat 10:05 (+300 s); lead 10:20 (+900 s); 2nd session B 11-03 10:00 (direct);
//                        order (raw_orders) 11-03 10:20 (+172800 s from the lead)
//  v2  baidu 佳能维修站  11-01 11:00; inbound call (raw_calls) 11:30 (+1800); lead (raw_leads) 12:00 (+1800)
//  v3  sogou 打印机维修  11-02 09:00; message 09:10 (+600)
//  v4  direct            11-02 13:00; nothing
//  v5  baidu 佳能维修站  11-02 09:50; lead 10:00, then chat 10:30 (+2400): lead BEFORE the inquiry
//  v6  direct            11-03 08:00; chat 08:15 (+900); lead 09:15 (+3600); order 12-10 (outside the 30-day window)
//  v7  bot session (excluded); v8 session 10-30, before the range (excluded)
// Visitors, ordered: 6 → 5 (v1,v2,v3,v5,v6) → 3 (v1,v2,v6) → 1 (v1)
// Visitors, any order:    6 → 5 → 4 (+v5) → 1
// Sessions, ordered: 7 sessions → 5 → 3 → 0 (v1's order falls in session B, which has no earlier stage)
export async function buildFunnelFixture(store: Store): Promise<void> {
  await createIntermediateTables(store)
  await insertRows(store, 'sessions', [
    session({session_id: 'A', visitor_id: 'v1', started_at: '2026-11-01 10:00:00', source: 'baidu', term: '佳能维修站', city: '深圳市'}),
    session({session_id: 'B', visitor_id: 'v1', started_at: '2026-11-03 10:00:00', visit_number: 2}),
    session({session_id: 'C', visitor_id: 'v2', started_at: '2026-11-01 11:00:00', source: 'baidu', term: '佳能维修站', city: '广州市'}),
    session({session_id: 'D', visitor_id: 'v3', started_at: '2026-11-02 09:00:00', source: 'sogou', term: '打印机维修', city: '深圳市'}),
    session({session_id: 'E', visitor_id: 'v4', started_at: '2026-11-02 13:00:00'}),
    session({session_id: 'F', visitor_id: 'v5', started_at: '2026-11-02 09:50:00', source: 'baidu', term: '佳能维修站'}),
    session({session_id: 'G', visitor_id: 'v6', started_at: '2026-11-03 08:00:00'}),
    session({session_id: 'H', visitor_id: 'v7', started_at: '2026-11-03 08:00:00', is_bot: true}),
    session({session_id: 'I', visitor_id: 'v8', started_at: '2026-10-30 08:00:00'}),
  ])
  await insertRows(store, 'events', [
    event({visitor_id: 'v1', session_id: 'A', ts: '2026-11-01 10:00:00', type: 'pageview'}),
    event({visitor_id: 'v1', session_id: 'A', ts: '2026-11-01 10:05:00', type: 'chat_request'}),
    event({visitor_id: 'v1', session_id: 'A', ts: '2026-11-01 10:20:00', type: 'lead'}),
    event({visitor_id: 'v3', session_id: 'D', ts: '2026-11-02 09:10:00', type: 'message'}),
    event({visitor_id: 'v5', session_id: 'F', ts: '2026-11-02 10:00:00', type: 'lead'}),
    event({visitor_id: 'v5', session_id: 'F', ts: '2026-11-02 10:30:00', type: 'chat_request'}),
    event({visitor_id: 'v6', session_id: 'G', ts: '2026-11-03 08:15:00', type: 'chat_request'}),
    event({visitor_id: 'v6', session_id: 'G', ts: '2026-11-03 09:15:00', type: 'lead'}),
    event({visitor_id: 'v7', session_id: 'H', ts: '2026-11-03 08:05:00', type: 'chat_request'}),
    event({visitor_id: 'v8', session_id: 'I', ts: '2026-10-30 08:05:00', type: 'chat_request'}),
  ])
  await store.run(`update events set is_bot = true where visitor_id = 'v7'`)
  await insertRows(store, 'raw_calls', [
    {call_id: 'c1', site: 's1', direction: 'inbound', visitor_id: 'v2', offered_at: '2026-11-01 11:30:00', ingest_id: 0},
    {call_id: 'c2', site: 's1', direction: 'outbound', visitor_id: 'v4', offered_at: '2026-11-02 14:00:00', ingest_id: 0},
  ])
  await insertRows(store, 'raw_leads', [{lead_id: 'L2', ts: '2026-11-01 12:00:00', site: 's1', visitor_id: 'v2', ingest_id: 0}])
  await insertRows(store, 'raw_orders', [
    {order_id: 'O1', ts: '2026-11-03 10:20:00', site: 's1', visitor_id: 'v1', amount: 500, ingest_id: 0},
    {order_id: 'O6', ts: '2026-12-10 10:00:00', site: 's1', visitor_id: 'v6', amount: 900, ingest_id: 0},
  ])
}

/** n visitors of one site arriving from `keyword` on Baidu (one session each); the first `leads` of them leave a lead. */
export async function cohort(store: Store, site: string, keyword: string, n: number, leads: number): Promise<void> {
  const p = `${site}-${keyword}`
  await store.run(`insert into sessions (session_id, site, visitor_id, visit_number, is_returning, started_at, medium, source, term, entry_url, is_bot)
    select '${p}-s' || i, '${site}', '${p}-v' || i, 1, false, TIMESTAMP '2026-11-02 09:00:00' + to_minutes(i::BIGINT), 'search', 'baidu', '${keyword}', 'https://${site}.cn/${keyword}', false
    from range(${n}) t(i)`)
  await store.run(`insert into events (event_id, site, visitor_id, session_id, ts, type, is_bot)
    select '${p}-e' || i, '${site}', '${p}-v' || i, '${p}-s' || i, TIMESTAMP '2026-11-02 09:30:00' + to_minutes(i::BIGINT), 'lead', false
    from range(${leads}) t(i)`)
}

/** Site A (printers): bad 2/200, noise 8/100, small 0/10; site B (printers): bad 27/300, noise 9/100 (leads/visitors). */
export async function buildKeywordFixture(store: Store): Promise<void> {
  await createIntermediateTables(store)
  await store.run(`insert into sites (site, industry) values ('A', 'printers'), ('B', 'printers')`)
  await cohort(store, 'A', 'bad', 200, 2)
  await cohort(store, 'A', 'noise', 100, 8)
  await cohort(store, 'A', 'small', 10, 0)
  await cohort(store, 'B', 'bad', 300, 27)
  await cohort(store, 'B', 'noise', 100, 9)
}
