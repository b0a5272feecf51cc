// The fixture of the overview/sources/geo/exits/journey/heatmap report tests (site a, 2026-11-02 … 11-03).
// Expected answers are worked out by hand in each test file.
//
// session  visitor  start             medium/source/term    place           intent     pages       outcome
// S1       v1       11-02 10:00       search Baidu k1       广东省 深圳市    purchase   /p1 /p2     chat c1 (answered, a1, csat 5) → lead L1
// S2       v2       11-02 11:00       search Baidu k2       广东省 广州市    purchase   /p1         order O2 (raw only, 50)
// S3       v3       11-02 12:00       search Sogou -        北京 北京市      support    /p1 /p3     chat c2 unanswered + left message; inbound call k1
// S7       v6       11-02 14:00       search Baidu k1       广东省 深圳市    purchase   /p1 /p2     nothing (silent exit on /p2)
// S4       v1       11-03 09:00       direct                广东省 深圳市    purchase   /p2         order O1 (100, lead L1)
// S6       v5       11-03 15:00       social Weibo          北京 北京市      support    /p1         registration only (silent exit on /p1)
// S8       v7       11-03 10:00       search Baidu k1       北京 北京市      -          /p1         nothing (silent exit on /p1)
// S5       v4       bot (ignored everywhere)
// Raw only: chat c3 (visitor v8 without a session, a1, csat 3, not resolved), lead L2 (no visitor, phone),
// outbound call k2 to v1 on 11-03 12:00.
import type {Store} from '../../src/store/store.js'
import {createIntermediateTables, insertRows} from './report-fixture.js'

const U = 'https://a.cn'

function sess(id: string, visitor: string, start: string, end: string, more: Record<string, unknown>): Record<string, unknown> {
  return {
    session_id: id,
    site: 'a',
    visitor_id: visitor,
    started_at: start,
    ended_at: end,
    is_bot: false,
    visit_number: 1,
    is_returning: false,
    country: '中国',
    device_type: 'desktop',
    duration_s: (Date.parse(end.replace(' ', 'T')) - Date.parse(start.replace(' ', 'T'))) / 1000,
    bounce: false,
    ...more,
  }
}

const withIngest = (rows: Record<string, unknown>[]) => rows.map((r) => ({ingest_id: 1, ...r}))

let n = 0
function ev(session: string, visitor: string, ts: string, type: string, more: Record<string, unknown> = {}): Record<string, unknown> {
  return {event_id: `e${++n}`, site: 'a', visitor_id: visitor, session_id: session, ts, type, is_bot: false, url: `${U}/p1`, ...more}
}

export async function buildMarketingMoreFixture(store: Store): Promise<void> {
  await createIntermediateTables(store)
  await insertRows(store, 'sessions', [
    sess('S1', 'v1', '2026-11-02 10:00:00', '2026-11-02 10:10:00', {
      medium: 'search',
      source: 'Baidu',
      term: 'k1',
      province: '广东省',
      city: '深圳市',
      entry_url: `${U}/p1`,
      exit_url: `${U}/p2`,
      pageviews: 2,
    }),
    sess('S2', 'v2', '2026-11-02 11:00:00', '2026-11-02 11:01:00', {
      medium: 'search',
      source: 'Baidu',
      term: 'k2',
      province: '广东省',
      city: '广州市',
      entry_url: `${U}/p1`,
      exit_url: `${U}/p1`,
      pageviews: 1,
      bounce: true,
    }),
    sess('S3', 'v3', '2026-11-02 12:00:00', '2026-11-02 12:10:00', {
      medium: 'search',
      source: 'Sogou',
      term: null,
      province: '北京',
      city: '北京市',
      entry_url: `${U}/p1`,
      exit_url: `${U}/p3`,
      pageviews: 2,
    }),
    sess('S7', 'v6', '2026-11-02 14:00:00', '2026-11-02 14:05:00', {
      medium: 'search',
      source: 'Baidu',
      term: 'k1',
      province: '广东省',
      city: '深圳市',
      entry_url: `${U}/p1`,
      exit_url: `${U}/p2`,
      pageviews: 2,
    }),
    sess('S4', 'v1', '2026-11-03 09:00:00', '2026-11-03 09:12:00', {
      medium: 'direct',
      source: null,
      term: null,
      province: '广东省',
      city: '深圳市',
      entry_url: `${U}/p2`,
      exit_url: `${U}/p2`,
      pageviews: 1,
      visit_number: 2,
      is_returning: true,
    }),
    sess('S6', 'v5', '2026-11-03 15:00:00', '2026-11-03 15:05:00', {
      medium: 'social',
      source: 'Weibo',
      term: null,
      province: '北京',
      city: '北京市',
      entry_url: `${U}/p1`,
      exit_url: `${U}/p1`,
      pageviews: 1,
    }),
    sess('S8', 'v7', '2026-11-03 10:00:00', '2026-11-03 10:01:00', {
      medium: 'search',
      source: 'Baidu',
      term: 'k1',
      province: '北京',
      city: '北京市',
      entry_url: `${U}/p1`,
      exit_url: `${U}/p1`,
      pageviews: 1,
    }),
    sess('S5', 'v4', '2026-11-02 13:00:00', '2026-11-02 13:01:00', {
      medium: 'search',
      source: 'Baidu',
      term: 'k1',
      province: '广东省',
      city: '深圳市',
      entry_url: `${U}/p1`,
      exit_url: `${U}/p1`,
      pageviews: 1,
      is_bot: true,
    }),
  ])
  await insertRows(store, 'events', [
    ev('S1', 'v1', '2026-11-02 10:00:00', 'pageview', {dwell_s: 60, title: 'P1'}),
    ev('S1', 'v1', '2026-11-02 10:01:00', 'pageview', {url: `${U}/p2`, dwell_s: 120, title: 'P2'}),
    ev('S1', 'v1', '2026-11-02 10:02:00', 'invite_shown', {url: `${U}/p2`, directive_id: 'd1'}),
    ev('S1', 'v1', '2026-11-02 10:02:30', 'invite_accepted', {url: `${U}/p2`, directive_id: 'd1'}),
    ev('S1', 'v1', '2026-11-02 10:03:00', 'chat_request', {url: `${U}/p2`, ref_id: 'c1'}),
    ev('S1', 'v1', '2026-11-02 10:04:00', 'chat_start', {url: `${U}/p2`, ref_id: 'c1'}),
    ev('S1', 'v1', '2026-11-02 10:05:00', 'click', {url: `${U}/p2`, x: 10, y: 20, selector: 'button.buy'}),
    ev('S1', 'v1', '2026-11-02 10:05:10', 'click', {url: `${U}/p2`, x: 60, y: 20, selector: 'button.buy'}),
    ev('S1', 'v1', '2026-11-02 10:06:00', 'lead', {url: `${U}/p2`, ref_id: 'L1'}),
    ev('S2', 'v2', '2026-11-02 11:00:00', 'pageview', {dwell_s: 30}),
    ev('S2', 'v2', '2026-11-02 11:00:30', 'invite_shown', {directive_id: 'd2'}),
    ev('S2', 'v2', '2026-11-02 11:00:40', 'invite_declined', {directive_id: 'd2'}),
    ev('S2', 'v2', '2026-11-02 11:00:50', 'click', {x: 130, y: 70, selector: 'a.nav'}),
    ev('S3', 'v3', '2026-11-02 12:00:00', 'pageview', {dwell_s: 60}),
    ev('S3', 'v3', '2026-11-02 12:01:00', 'pageview', {url: `${U}/p3`, dwell_s: 200}),
    ev('S3', 'v3', '2026-11-02 12:05:00', 'message', {url: `${U}/p3`, ref_id: 'c2'}),
    ev('S7', 'v6', '2026-11-02 14:00:00', 'pageview', {dwell_s: 100}),
    ev('S7', 'v6', '2026-11-02 14:01:40', 'pageview', {url: `${U}/p2`, dwell_s: 200}),
    ev('S4', 'v1', '2026-11-03 09:00:00', 'pageview', {url: `${U}/p2`, dwell_s: 600}),
    ev('S4', 'v1', '2026-11-03 09:05:00', 'click', {url: `${U}/p2?utm=x`, x: 40, y: 45}),
    ev('S4', 'v1', '2026-11-03 09:10:00', 'order', {url: `${U}/p2`, ref_id: 'O1', value: 100}),
    ev('S6', 'v5', '2026-11-03 15:00:00', 'pageview', {dwell_s: 30}),
    ev('S6', 'v5', '2026-11-03 15:01:00', 'register', {ref_id: 'm1'}),
    ev('S8', 'v7', '2026-11-03 10:00:00', 'pageview', {dwell_s: 60}),
    ev('S5', 'v4', '2026-11-02 13:00:00', 'pageview', {is_bot: true}),
    ev('S5', 'v4', '2026-11-02 13:00:10', 'click', {url: `${U}/p2`, x: 5, y: 5, is_bot: true}),
  ])
  await insertRows(store, 'session_intents', [
    {session_id: 'S1', intent: 'purchase', confidence: 0.9, method: 'rule'},
    {session_id: 'S1', intent: 'support', confidence: 0.4, method: 'rule'},
    {session_id: 'S2', intent: 'purchase', confidence: 0.8, method: 'rule'},
    {session_id: 'S3', intent: 'support', confidence: 0.8, method: 'rule'},
    {session_id: 'S4', intent: 'purchase', confidence: 0.7, method: 'rule'},
    {session_id: 'S6', intent: 'support', confidence: 0.6, method: 'rule'},
    {session_id: 'S7', intent: 'purchase', confidence: 0.6, method: 'rule'},
  ])
  await store.run(
    'create or replace table scenario_matches (session_id VARCHAR, site VARCHAR, visitor_id VARCHAR, started_at TIMESTAMP, intent VARCHAR, scenario_id VARCHAR, action_type VARCHAR, message VARCHAR)',
  )
  await insertRows(store, 'scenario_matches', [
    {
      session_id: 'S1',
      site: 'a',
      visitor_id: 'v1',
      started_at: '2026-11-02 10:00:00',
      intent: 'purchase',
      scenario_id: 'buy-chat',
      action_type: 'invite',
      message: 'Need help choosing?',
    },
  ])
  await insertRows(
    store,
    'raw_conversations',
    withIngest([
      {
        conversation_id: 'c1',
        site: 'a',
        channel: 'web',
        visitor_id: 'v1',
        agent_id: 'a1',
        requested_at: '2026-11-02 10:03:00',
        answered_at: '2026-11-02 10:04:00',
        ended_at: '2026-11-02 10:14:00',
        csat: 5,
        resolved: true,
        outcome: 'lead',
      },
      {
        conversation_id: 'c2',
        site: 'a',
        channel: 'web',
        visitor_id: 'v3',
        agent_id: null,
        requested_at: '2026-11-02 12:04:00',
        answered_at: null,
        ended_at: null,
        csat: null,
        resolved: null,
        outcome: 'unanswered',
      },
      {
        conversation_id: 'c3',
        site: 'a',
        channel: 'web',
        visitor_id: 'v8',
        agent_id: 'a1',
        requested_at: '2026-11-03 15:02:00',
        answered_at: '2026-11-03 15:03:00',
        ended_at: '2026-11-03 15:13:00',
        csat: 3,
        resolved: false,
        outcome: 'resolved',
      },
    ]),
  )
  await insertRows(
    store,
    'raw_leads',
    withIngest([
      {
        lead_id: 'L1',
        ts: '2026-11-02 10:06:00',
        site: 'a',
        visitor_id: 'v1',
        conversation_id: 'c1',
        channel: 'chat',
        agent_id: 'a1',
        product: 'X',
        status: 'won',
      },
      {lead_id: 'L2', ts: '2026-11-03 16:00:00', site: 'a', visitor_id: null, channel: 'phone', product: 'Y', status: 'new'},
    ]),
  )
  await insertRows(
    store,
    'raw_orders',
    withIngest([
      {
        order_id: 'O1',
        ts: '2026-11-03 09:10:00',
        site: 'a',
        visitor_id: 'v1',
        lead_id: 'L1',
        product: 'X',
        quantity: 1,
        amount: 100,
        currency: 'CNY',
      },
      {order_id: 'O2', ts: '2026-11-02 11:30:00', site: 'a', visitor_id: 'v2', product: 'Z', quantity: 1, amount: 50, currency: 'CNY'},
    ]),
  )
  await insertRows(
    store,
    'raw_calls',
    withIngest([
      {
        call_id: 'k1',
        site: 'a',
        direction: 'inbound',
        visitor_id: 'v3',
        agent_id: 'a2',
        offered_at: '2026-11-02 12:30:00',
        answered_at: '2026-11-02 12:30:10',
        ended_at: '2026-11-02 12:35:10',
        disposition: 'answered',
        outcome: 'resolved',
      },
      {
        call_id: 'k2',
        site: 'a',
        direction: 'outbound',
        visitor_id: 'v1',
        agent_id: 't1',
        offered_at: '2026-11-03 12:00:00',
        answered_at: null,
        ended_at: '2026-11-03 12:00:30',
        disposition: 'no_answer',
      },
    ]),
  )
}
