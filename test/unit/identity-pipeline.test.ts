import {createHash} from 'node:crypto'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {ConfigSchema} from '../../src/config/schema.js'
import {hashContact, normalizePhone} from '../../src/ingest/contacts.js'
import identities, {MAX_LINKED_IDS} from '../../src/pipelines/identity/pipeline.js'
import normalize from '../../src/pipelines/normalize/pipeline.js'
import {runPipelines} from '../../src/pipelines/runner.js'
import {Store} from '../../src/store/store.js'
import {insertRows} from '../helpers/report-fixture.js'

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'
const PHONE_UA =
  'Mozilla/5.0 (Linux; Android 10; ELS-AN00 Build/HUAWEIELS-AN00; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/78.0.3904.62 Mobile Safari/537.36 MicroMessenger/7.0.19.1760'
const sha = (s: string) => createHash('sha256').update(s).digest('hex')
// the number as ingest hashes it (normalized digits)
const PHONE = hashContact(normalizePhone('+86 138-1234-5678'))!

function ev(id: string, visitor: string, ts: string, type: string, extra: Record<string, unknown> = {}) {
  return {event_id: id, site: 'shop', visitor_id: visitor, ts, type, url: 'https://shop.example.cn/fax', ingest_id: 1, ...extra}
}

async function seed(store: Store): Promise<void> {
  // The planted person: a phone (WeChat) and a PC, logged in as m-100 on both; chats from the PC and types a number;
  // the chat's lead has that number; calls from it as customer C-100; orders as C-100.
  await insertRows(store, 'raw_probe_events', [
    ev('p1', 'v-p-phone', '2026-03-02 09:00:00', 'pageview', {user_agent: PHONE_UA}),
    ev('p2', 'v-p-phone', '2026-03-02 09:00:30', 'identify', {member_id: 'm-100', user_agent: PHONE_UA}),
    ev('p3', 'v-p-pc', '2026-03-03 20:00:00', 'pageview', {user_agent: CHROME}),
    ev('p4', 'v-p-pc', '2026-03-03 20:00:10', 'identify', {member_id: 'm-100', user_agent: CHROME}),
    // someone else entirely
    ev('q1', 'v-q', '2026-03-03 11:00:00', 'pageview', {user_agent: CHROME}),
    // a crawler is nobody
    ev('b1', 'v-bot', '2026-03-03 11:00:00', 'pageview', {user_agent: 'Mozilla/5.0 (compatible; Baiduspider/2.0)'}),
  ])
  await insertRows(store, 'raw_conversations', [
    {conversation_id: 'chat-1', site: 'shop', channel: 'web', visitor_id: 'v-p-pc', requested_at: '2026-03-03 20:01:00', ingest_id: 2},
  ])
  await insertRows(store, 'raw_messages', [
    {conversation_id: 'chat-1', seq: 1, ts: '2026-03-03 20:01:00', sender_type: 'agent', text: '您好，请问怎么称呼？', ingest_id: 2},
    {
      conversation_id: 'chat-1',
      seq: 2,
      ts: '2026-03-03 20:01:30',
      sender_type: 'visitor',
      text: '我的手机13812345678，请回电',
      ingest_id: 2,
    },
  ])
  const leads = [{lead_id: 'lead-1', ts: '2026-03-03 20:05:00', site: 'shop', conversation_id: 'chat-1', phone_hash: PHONE, ingest_id: 3}]
  const calls = [
    {
      call_id: 'call-1',
      site: 'shop',
      direction: 'inbound',
      customer_id: 'C-100',
      phone_hash: PHONE,
      offered_at: '2026-03-04 10:00:00',
      ended_at: '2026-03-04 10:06:00',
      ingest_id: 4,
    },
  ]
  // A placeholder customer id "0" on 30 calls of 30 different callers: merges nobody.
  for (let i = 0; i < 30; i++)
    calls.push({
      call_id: `call-z${i}`,
      site: 'shop',
      direction: 'inbound',
      customer_id: '0',
      phone_hash: sha(`z${i}`),
      offered_at: '2026-03-05 10:00:00',
      ended_at: '2026-03-05 10:01:00',
      ingest_id: 4,
    })
  // A switchboard number on leads of more than MAX_LINKED_IDS different visitors: shared, merges nobody.
  for (let i = 0; i <= MAX_LINKED_IDS; i++)
    leads.push({
      lead_id: `lead-s${i}`,
      ts: '2026-03-05 12:00:00',
      site: 'shop',
      visitor_id: `v-s${i}`,
      phone_hash: sha('switchboard'),
      ingest_id: 3,
    } as (typeof leads)[number])
  await insertRows(store, 'raw_leads', leads)
  await insertRows(store, 'raw_calls', calls)
  await insertRows(store, 'raw_orders', [
    {order_id: 'ord-1', ts: '2026-03-04 11:00:00', site: 'shop', customer_id: 'C-100', amount: 3200, currency: 'CNY', ingest_id: 5},
    // two orders of two visitors whose export says lead "0": a placeholder record id joins nobody either
    {order_id: 'ord-x1', ts: '2026-03-05 11:00:00', site: 'shop', visitor_id: 'v-x1', lead_id: '0', amount: 10, ingest_id: 5},
    {order_id: 'ord-x2', ts: '2026-03-05 11:00:00', site: 'shop', visitor_id: 'v-x2', lead_id: '0', amount: 20, ingest_id: 5},
  ])
  for (const t of ['raw_probe_events', 'raw_conversations', 'raw_messages', 'raw_leads', 'raw_calls', 'raw_orders'])
    await store.bumpTableVersion(t)
}

async function run(store: Store) {
  const ctx = {store, config: {config: ConfigSchema.parse({}), baseDir: process.cwd()}, log: () => {}}
  const outcomes = await runPipelines([normalize, identities], ctx)
  for (const o of outcomes) expect(o.status, o.message).toBe('ran')
  return outcomes
}

describe('identities pipeline', () => {
  let store: Store
  beforeEach(async () => {
    store = await Store.open(':memory:')
    await seed(store)
  })
  afterEach(async () => store.close())

  it('links two devices, a login, a chat with a typed number, a lead, a call from that number and an order into one person', async () => {
    await run(store)
    const ids = await store.all<{kind: string; id: string}>(
      `select kind, id from customer_ids where customer_key = (select customer_key from customer_ids where kind = 'visitor' and id = 'v-p-phone') order by kind, id`,
    )
    expect(ids).toEqual([
      {kind: 'call', id: 'call-1'},
      {kind: 'conversation', id: 'chat-1'},
      {kind: 'customer', id: 'C-100'},
      {kind: 'lead', id: 'lead-1'},
      {kind: 'member', id: 'm-100'},
      {kind: 'order', id: 'ord-1'},
      {kind: 'phone', id: PHONE},
      {kind: 'visitor', id: 'v-p-pc'},
      {kind: 'visitor', id: 'v-p-phone'},
    ])
    const person = await store.one(
      `select customer_id, visitors, members, customer_refs, phones, calls, conversations, leads, orders, order_value,
              first_seen::VARCHAR as first_seen, last_seen::VARCHAR as last_seen
       from customers where customer_id = 'customer:C-100'`,
    )
    expect(person).toEqual({
      customer_id: 'customer:C-100',
      visitors: 2,
      members: 1,
      customer_refs: 1,
      phones: 1,
      calls: 1,
      conversations: 1,
      leads: 1,
      orders: 1,
      order_value: 3200,
      first_seen: '2026-03-02 09:00:00',
      last_seen: '2026-03-04 11:00:00',
    })
  })

  it('a placeholder id and a shared number merge nobody and are reported', async () => {
    await run(store)
    expect(await store.all(`select kind, linked_ids, records, reason from identity_blocked order by kind`)).toEqual([
      {kind: 'customer', linked_ids: 30, records: 30, reason: 'placeholder'},
      {kind: 'lead', linked_ids: 2, records: 2, reason: 'placeholder'},
      {kind: 'phone', linked_ids: MAX_LINKED_IDS + 1, records: MAX_LINKED_IDS + 1, reason: 'shared'},
    ])
    // each "0" caller, each switchboard lead and each "lead 0" order is a person of its own; the planted person, v-q:
    // one each; no bot
    const persons = await store.scalar<number>('select count(*)::INTEGER from customers')
    expect(persons).toBe(30 + (MAX_LINKED_IDS + 1) + 2 + 2)
    expect(await store.scalar<number>(`select count(*)::INTEGER from customer_ids where id in ('0', 'v-bot')`)).toBe(0)
    const biggest = await store.scalar<number>('select max(calls + leads)::INTEGER from customers')
    expect(biggest).toBe(2)
  })

  it('sessions carry the device brand and the in-app browser of the planted person’s phone', async () => {
    await run(store)
    expect(await store.all(`select visitor_id, device_type, device_brand, in_app, is_bot from sessions order by visitor_id`)).toEqual([
      {visitor_id: 'v-bot', device_type: 'bot', device_brand: null, in_app: null, is_bot: true},
      {visitor_id: 'v-p-pc', device_type: 'desktop', device_brand: null, in_app: null, is_bot: false},
      {visitor_id: 'v-p-phone', device_type: 'mobile', device_brand: 'Huawei', in_app: 'WeChat', is_bot: false},
      {visitor_id: 'v-q', device_type: 'desktop', device_brand: null, in_app: null, is_bot: false},
    ])
  })

  it('the phone typed in chat hashes like ingest hashes the number', () => {
    expect(sha('13812345678')).toBe(PHONE)
  })
})
