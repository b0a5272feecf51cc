import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {ConfigSchema} from '../../src/config/schema.js'
import normalize from '../../src/pipelines/normalize/pipeline.js'
import {runPipelines} from '../../src/pipelines/runner.js'
import {Store} from '../../src/store/store.js'

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'
const SPIDER = 'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)'
const BAIDU_GBK = 'https://www.baidu.com/s?wd=%BC%D1%C4%DC%CE%AC%D0%DE%D5%BE'
const GOOGLE = 'https://www.google.com/search?q=%E4%BD%B3%E8%83%BD%E4%BC%A0%E7%9C%9F%E6%9C%BA%E6%8A%A5%E4%BB%B7'
const SPRING = 'https://shop.example.cn/e?utm_source=baidu&utm_medium=cpc&utm_campaign=spring'

type Ev = [
  id: string,
  visitor: string,
  ts: string,
  type: string,
  url: string | null,
  referrer?: string | null,
  extra?: {ip?: string; ua?: string; props?: string; visitCount?: number; member?: string},
]

// Hand-made day of one site; comments give the expected sessions.
const EVENTS: Ev[] = [
  // visitor A, session 1: Baidu (GB2312 keyword), two pages
  ['a1', 'A', '2026-03-02 10:00:00', 'pageview', 'https://shop.example.cn/a', BAIDU_GBK, {ip: '120.24.78.68', ua: CHROME}],
  ['a2', 'A', '2026-03-02 10:00:15', 'heartbeat', 'https://shop.example.cn/a', null, {props: '{"visible":true}'}],
  ['a3', 'A', '2026-03-02 10:00:30', 'heartbeat', 'https://shop.example.cn/a', null, {props: '{"visible":true}'}],
  ['a4', 'A', '2026-03-02 10:00:45', 'click', 'https://shop.example.cn/a'],
  ['a5', 'A', '2026-03-02 10:01:00', 'pageview', 'https://shop.example.cn/b', 'https://shop.example.cn/a'],
  ['a6', 'A', '2026-03-02 10:01:15', 'heartbeat', 'https://shop.example.cn/b', null, {props: '{"visible":false}'}],
  ['a7', 'A', '2026-03-02 10:01:30', 'heartbeat', 'https://shop.example.cn/b', null, {props: '{"visible":true}'}],
  ['a8', 'A', '2026-03-02 10:02:00', 'heartbeat', 'https://shop.example.cn/b'],
  // session 2: 18 min later, but a new Google keyword → new visit; the second pageview repeats the same key
  ['a9', 'A', '2026-03-02 10:20:00', 'pageview', 'https://shop.example.cn/c', GOOGLE],
  ['a10', 'A', '2026-03-02 10:20:10', 'pageview', 'https://shop.example.cn/d', GOOGLE],
  // session 3: 39 min 50 s of inactivity → new visit, direct, one page, no engagement → bounce
  ['a11', 'A', '2026-03-02 11:00:00', 'pageview', 'https://shop.example.cn/a', ''],
  // session 4: a campaign landing 10 min later splits; its reload keeps the key
  ['a12', 'A', '2026-03-02 11:10:00', 'pageview', SPRING, ''],
  ['a13', 'A', '2026-03-02 11:10:05', 'pageview', SPRING, SPRING],
  // B: a crawler
  ['b1', 'B', '2026-03-02 10:00:00', 'pageview', 'https://shop.example.cn/a', '', {ip: '222.240.1.1', ua: SPIDER}],
  // C: the probe counted this as the 3rd visit; logs in and clicks
  [
    'c1',
    'C',
    '2026-03-02 09:00:00',
    'pageview',
    'https://shop.example.cn/fax',
    'https://weibo.com/u/1',
    {ip: '222.240.1.1', ua: CHROME, visitCount: 3},
  ],
  ['c2', 'C', '2026-03-02 09:00:20', 'identify', 'https://shop.example.cn/fax', null, {member: 'm-1'}],
  // D: a page left visible for 40 minutes: dwell and engaged capped at 30 min
  ['d1', 'D', '2026-03-02 08:00:00', 'pageview', 'https://shop.example.cn/long', null],
  ['d2', 'D', '2026-03-02 08:20:00', 'heartbeat', 'https://shop.example.cn/long'],
  ['d3', 'D', '2026-03-02 08:40:00', 'heartbeat', 'https://shop.example.cn/long'],
]

function sqlValue(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'number') return String(v)
  return `'${String(v).replaceAll("'", "''")}'`
}

async function insertEvents(store: Store, events: Ev[]): Promise<void> {
  const rows = events.map(
    ([id, visitor, ts, type, url, referrer, extra]) =>
      `(${[id, 'shop', visitor, ts, type, url, null, referrer ?? null, extra?.ip, extra?.ua, extra?.visitCount, extra?.member, extra?.props, 1].map(sqlValue).join(', ')})`,
  )
  await store.run(
    `insert into raw_probe_events (event_id, site, visitor_id, ts, type, url, title, referrer, ip, user_agent, visit_count, member_id, props, ingest_id) values ${rows.join(',\n')}`,
  )
  await store.bumpTableVersion('raw_probe_events')
}

async function runNormalize(store: Store, config: Record<string, unknown> = {}) {
  const logs: string[] = []
  const ctx = {store, config: {config: ConfigSchema.parse(config), baseDir: process.cwd()}, log: (m: string) => logs.push(m)}
  const outcomes = await runPipelines([normalize], ctx)
  expect(outcomes[0]!.status, outcomes[0]!.message).toBe('ran')
  return logs
}

describe('normalize pipeline: sessions, dwell, engagement', () => {
  let store: Store
  beforeEach(async () => {
    store = await Store.open(':memory:')
    await insertEvents(store, EVENTS)
  })
  afterEach(async () => store.close())

  it('splits visits on 30 min inactivity and on a new keyword or campaign, numbers them, attributes them', async () => {
    await runNormalize(store)
    const rows = await store.all(
      `select visit_number, is_returning, started_at::VARCHAR as started, pageviews, events, medium, source, term, term_raw, campaign, entry_url, exit_url, bounce
       from sessions where visitor_id = 'A' order by started_at`,
    )
    expect(rows).toEqual([
      {
        visit_number: 1,
        is_returning: false,
        started: '2026-03-02 10:00:00',
        pageviews: 2,
        events: 8,
        medium: 'search',
        source: 'Baidu',
        term: '佳能维修站',
        term_raw: '佳能维修站',
        campaign: null,
        entry_url: 'https://shop.example.cn/a',
        exit_url: 'https://shop.example.cn/b',
        bounce: false,
      },
      {
        visit_number: 2,
        is_returning: true,
        started: '2026-03-02 10:20:00',
        pageviews: 2,
        events: 2,
        medium: 'search',
        source: 'Google',
        term: '佳能传真机报价',
        term_raw: '佳能传真机报价',
        campaign: null,
        entry_url: 'https://shop.example.cn/c',
        exit_url: 'https://shop.example.cn/d',
        bounce: false,
      },
      {
        visit_number: 3,
        is_returning: true,
        started: '2026-03-02 11:00:00',
        pageviews: 1,
        events: 1,
        medium: 'direct',
        source: null,
        term: null,
        term_raw: null,
        campaign: null,
        entry_url: 'https://shop.example.cn/a',
        exit_url: 'https://shop.example.cn/a',
        bounce: true,
      },
      {
        visit_number: 4,
        is_returning: true,
        started: '2026-03-02 11:10:00',
        pageviews: 2,
        events: 2,
        medium: 'paid',
        source: 'Baidu',
        term: null,
        term_raw: null,
        campaign: 'spring',
        entry_url: SPRING,
        exit_url: SPRING,
        bounce: false,
      },
    ])
  })

  it('dwell: to the next pageview, else to the last event on the page; engaged: visible heartbeats and actions', async () => {
    await runNormalize(store)
    const pages = await store.all<{event_id: string; dwell_s: number; engaged_s: number; seq_in_session: number}>(
      `select event_id, dwell_s, engaged_s, seq_in_session from events where type = 'pageview' and visitor_id in ('A', 'D') order by ts`,
    )
    const byId = Object.fromEntries(pages.map((p) => [p.event_id, p]))
    // a1: next pageview at +60 s; engaged 15 + 15 + 15 (two visible heartbeats, a click)
    expect(byId.a1).toMatchObject({dwell_s: 60, engaged_s: 45, seq_in_session: 1})
    // a5: last heartbeat at +60 s; the hidden heartbeat's 15 s do not count: 15 + 30
    expect(byId.a5).toMatchObject({dwell_s: 60, engaged_s: 45, seq_in_session: 5})
    expect(byId.a9).toMatchObject({dwell_s: 10, engaged_s: 0})
    expect(byId.a10).toMatchObject({dwell_s: 0, engaged_s: 0, seq_in_session: 2})
    // d1: 40 min visible, capped at 30 min
    expect(byId.d1).toMatchObject({dwell_s: 1800, engaged_s: 1800})
    const s = await store.all(
      `select visitor_id, duration_s, engaged_s from sessions where visitor_id in ('A', 'D') order by started_at limit 2`,
    )
    expect(s).toEqual([
      {visitor_id: 'D', duration_s: 2400, engaged_s: 1800},
      {visitor_id: 'A', duration_s: 120, engaged_s: 90},
    ])
  })

  it('geo, device, bots, probe visit counter, members and visitors', async () => {
    await runNormalize(store)
    const s = await store.all(
      `select visitor_id, visit_number, is_returning, medium, source, province, city, isp, browser, os, device_type, is_bot, member_id, bounce from sessions where visitor_id in ('B', 'C') order by visitor_id`,
    )
    expect(s).toEqual([
      {
        visitor_id: 'B',
        visit_number: 1,
        is_returning: false,
        medium: 'direct',
        source: null,
        province: '湖南省',
        city: '长沙市',
        isp: '电信',
        browser: null,
        os: null,
        device_type: 'bot',
        is_bot: true,
        member_id: null,
        bounce: true,
      },
      {
        visitor_id: 'C',
        visit_number: 3,
        is_returning: true,
        medium: 'social',
        source: 'Weibo',
        province: '湖南省',
        city: '长沙市',
        isp: '电信',
        browser: 'Chrome',
        os: 'Windows',
        device_type: 'desktop',
        is_bot: false,
        member_id: 'm-1',
        bounce: false,
      },
    ])
    expect(await store.all(`select event_id, is_bot from events where visitor_id = 'B'`)).toEqual([{event_id: 'b1', is_bot: true}])
    const v = await store.all(
      `select visitor_id, first_seen::VARCHAR as first_seen, last_seen::VARCHAR as last_seen, visits, sessions, province, city, member_id, is_bot from visitors order by visitor_id`,
    )
    expect(v).toEqual([
      {
        visitor_id: 'A',
        first_seen: '2026-03-02 10:00:00',
        last_seen: '2026-03-02 11:10:05',
        visits: 4,
        sessions: 4,
        province: '广东省',
        city: '深圳市',
        member_id: null,
        is_bot: false,
      },
      {
        visitor_id: 'B',
        first_seen: '2026-03-02 10:00:00',
        last_seen: '2026-03-02 10:00:00',
        visits: 1,
        sessions: 1,
        province: '湖南省',
        city: '长沙市',
        member_id: null,
        is_bot: true,
      },
      {
        visitor_id: 'C',
        first_seen: '2026-03-02 09:00:00',
        last_seen: '2026-03-02 09:00:20',
        visits: 3,
        sessions: 1,
        province: '湖南省',
        city: '长沙市',
        member_id: 'm-1',
        is_bot: false,
      },
      {
        visitor_id: 'D',
        first_seen: '2026-03-02 08:00:00',
        last_seen: '2026-03-02 08:40:00',
        visits: 1,
        sessions: 1,
        province: null,
        city: null,
        member_id: null,
        is_bot: false,
      },
    ])
    expect(await store.scalar('select count(*)::INTEGER from events')).toBe(EVENTS.length)
  })

  it('gives the same sessions and event numbers whatever order the events were loaded in (ties in a second too)', async () => {
    // two pageviews and a click of one visitor in the same second: only the event-id hash orders the pageviews
    const tied: Ev[] = [
      ['t1', 'T', '2026-03-02 12:00:00', 'pageview', 'https://shop.example.cn/x', GOOGLE],
      ['t2', 'T', '2026-03-02 12:00:00', 'pageview', 'https://shop.example.cn/y', BAIDU_GBK],
      ['t3', 'T', '2026-03-02 12:00:00', 'click', 'https://shop.example.cn/x'],
      ['t4', 'T', '2026-03-02 12:00:20', 'pageview', 'https://shop.example.cn/z', 'https://shop.example.cn/y'],
    ]
    await insertEvents(store, tied)
    await runNormalize(store)
    const read = async (s: Store) => ({
      sessions: await s.all('select * exclude (ip) from sessions order by session_id'),
      events: await s.all('select event_id, session_id, seq_in_session, dwell_s, engaged_s from events order by event_id'),
    })
    const expected = await read(store)
    const other = await Store.open(':memory:')
    try {
      await insertEvents(other, [...EVENTS, ...tied].reverse())
      await runNormalize(other)
      expect(await read(other)).toEqual(expected)
    } finally {
      await other.close()
    }
  })

  it('config: inactivity window, campaign splitting off, IP anonymization', async () => {
    await runNormalize(store, {sessions: {inactivityMinutes: 60, splitOnCampaignChange: false, anonymizeIp: true}})
    // A: 10:00–11:10:05 without a 60 min gap and no keyword splits → one visit
    const a = await store.all(
      `select count(*)::INTEGER as n, min(medium) as medium, max(ip) as ip, max(city) as city from sessions where visitor_id = 'A'`,
    )
    expect(a).toEqual([{n: 1, medium: 'search', ip: null, city: '深圳市'}])
  })

  it('a referrer from a site domain (sites table or config) is internal, not referral', async () => {
    await store.run(`insert into sites values ('shop', 'Shop', 'office', 'www.example.cn')`)
    await insertEvents(store, [
      ['f1', 'F', '2026-03-02 13:00:00', 'pageview', 'https://shop.example.cn/', 'https://m.example.cn/list'],
      ['g1', 'G', '2026-03-02 13:00:00', 'pageview', 'https://shop.example.cn/', 'https://blog.other.cn/post'],
    ])
    await runNormalize(store, {sites: [{id: 'shop', domain: 'other.cn'}]})
    expect(await store.all(`select visitor_id, medium, source from sessions where visitor_id in ('F', 'G') order by visitor_id`)).toEqual([
      {visitor_id: 'F', medium: 'internal', source: 'm.example.cn'},
      {visitor_id: 'G', medium: 'internal', source: 'blog.other.cn'},
    ])
  })

  it('parses each distinct value once: re-runs only parse new referrers, IPs and user agents', async () => {
    const first = await runNormalize(store)
    expect(first.join('\n')).toContain('5 referrers, 1 campaign URLs, 2 IPs, 2 user agents')
    expect(await store.scalar('select count(*)::INTEGER from referrer_map')).toBe(5)
    // mark an existing row: a re-parse would overwrite it
    await store.run(`update referrer_map set source = 'kept' where referrer = '${GOOGLE}'`)
    await insertEvents(store, [
      [
        'e1',
        'E',
        '2026-03-02 12:00:00',
        'pageview',
        'https://shop.example.cn/',
        'https://so.toutiao.com/search?keyword=canon',
        {ip: '120.24.78.68', ua: CHROME},
      ],
    ])
    const second = await runNormalize(store)
    expect(second.join('\n')).toContain('1 referrers, 0 campaign URLs, 0 IPs, 0 user agents')
    expect(await store.scalar(`select source from referrer_map where referrer = '${GOOGLE}'`)).toBe('kept')
    expect(await store.all(`select medium, source, term from sessions where visitor_id = 'E'`)).toEqual([
      {medium: 'search', source: 'Toutiao', term: 'canon'},
    ])
  })

  it('upgrades a database whose sessions is a table (before migration 073): normalize rebuilds it as the view', async () => {
    const {mkdtempSync, rmSync} = await import('node:fs')
    const {tmpdir} = await import('node:os')
    const {join} = await import('node:path')
    const dir = mkdtempSync(join(tmpdir(), 'ccx-073-'))
    const path = join(dir, 'old.duckdb')
    const old = await Store.open(path)
    await old.run(`delete from schema_migrations where version = 73; create table sessions as select 'x' as session_id`)
    await insertEvents(old, EVENTS)
    await old.close()
    const upgraded = await Store.open(path)
    try {
      expect(await upgraded.tableExists('sessions')).toBe(false)
      await runNormalize(upgraded)
      expect(await upgraded.scalar(`select table_type from information_schema.tables where table_name = 'sessions'`)).toBe('VIEW')
      expect(await upgraded.scalar('select count(*)::INTEGER from sessions')).toBe(
        await upgraded.scalar('select count(*)::INTEGER from sessions_core'),
      )
      expect(await upgraded.scalar(`select count(*)::INTEGER from sessions where visitor_id = 'A'`)).toBe(4)
      // a second run replaces the view's tables in place
      await runNormalize(upgraded, {sessions: {splitOnCampaignChange: false}})
      expect(await upgraded.scalar(`select count(*)::INTEGER from sessions where visitor_id = 'A'`)).toBe(2)
    } finally {
      await upgraded.close()
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
