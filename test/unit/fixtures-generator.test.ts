import {readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import iconv from 'iconv-lite'
import Papa from 'papaparse'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {tempDir} from '../helpers/cli.js'
// The generator is plain JavaScript (fixtures/generator, typed by index.d.ts).
import {COLUMNS, generate} from '../../fixtures/generator/index.js'

type Row = Record<string, string>
const readCsv = (path: string): Row[] => Papa.parse<Row>(readFileSync(path, 'utf8'), {header: true, skipEmptyLines: true}).data
const readNdjson = (path: string): any[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))

describe('fixtures generator', () => {
  const dir = tempDir('ccx-fixtures-')
  const a = join(dir.path, 'a')
  let summary: {files: Array<{file: string; rows: number}>; visitors: number; from: string; to: string}
  let probe: Row[], calls: Row[], leads: Row[], orders: Row[], transcripts: Row[], chats: any[], sites: any[]

  beforeAll(async () => {
    summary = await generate({days: 14, visitors: 600, seed: 'unit', out: a})
    probe = readCsv(join(a, 'probe_events.csv'))
    calls = readCsv(join(a, 'calls.csv'))
    leads = readCsv(join(a, 'leads.csv'))
    orders = readCsv(join(a, 'orders.csv'))
    transcripts = readCsv(join(a, 'transcripts.csv'))
    chats = readNdjson(join(a, 'chats.ndjson'))
    sites = JSON.parse(readFileSync(join(a, 'sites.json'), 'utf8'))
  })
  afterAll(() => dir.cleanup())

  it('is deterministic: the same seed gives byte-identical files, another seed different ones', async () => {
    const b = join(dir.path, 'b')
    const c = join(dir.path, 'c')
    await generate({days: 14, visitors: 600, seed: 'unit', out: b})
    await generate({days: 14, visitors: 600, seed: 'other', out: c})
    for (const file of readdirSync(a)) {
      expect(readFileSync(join(b, file)).equals(readFileSync(join(a, file))), file).toBe(true)
    }
    expect(readFileSync(join(c, 'probe_events.csv')).equals(readFileSync(join(a, 'probe_events.csv')))).toBe(false)
  })

  it('writes every file in the canonical layout and reports its row counts', () => {
    expect(summary.visitors).toBe(600)
    expect(summary.from).toBe('2026-10-18')
    expect(summary.to).toBe('2026-10-31')
    const counts = Object.fromEntries(summary.files.map((f) => [f.file, f.rows]))
    expect(counts['probe_events.csv']).toBe(probe.length)
    expect(counts['calls.csv']).toBe(calls.length)
    expect(counts['chats.ndjson']).toBe(chats.length)
    expect(counts['leads.csv']).toBe(leads.length)
    expect(counts['orders.csv']).toBe(orders.length)
    expect(counts['transcripts.csv']).toBe(transcripts.length)
    for (const [source, file] of [
      ['probe', 'probe_events.csv'],
      ['calls', 'calls.csv'],
      ['leads', 'leads.csv'],
      ['orders', 'orders.csv'],
      ['transcripts', 'transcripts.csv'],
    ] as const) {
      expect(readFileSync(join(a, file), 'utf8').split('\n', 1)[0]).toBe(COLUMNS[source].join(','))
    }
    for (const n of [calls.length, chats.length, leads.length, orders.length, transcripts.length]) expect(n).toBeGreaterThan(0)
  })

  it('timestamps are site-local YYYY-MM-DD HH:MM:SS inside the requested days', () => {
    const stamps = [
      ...probe.map((r) => r.ts),
      ...calls.map((r) => r.offered_at),
      ...leads.map((r) => r.ts),
      ...chats.map((c) => c.requested_at),
    ]
    const bad = stamps.filter(
      (ts) => !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(ts) || ts < '2026-10-18 00:00:00' || ts > '2026-10-31 23:59:59',
    )
    expect(bad).toEqual([])
    expect(stamps.length).toBeGreaterThan(1000)
  })

  it('sites: the Canon-like site, two more imaging sites and another industry; the Canon-like site is the largest', () => {
    expect(sites.find((s) => s.id === 'canon')).toMatchObject({industry: 'imaging', domain: 'www.canon.com.cn'})
    expect(sites.filter((s) => s.industry === 'imaging').length).toBeGreaterThanOrEqual(3)
    expect(sites.some((s) => s.industry !== 'imaging')).toBe(true)
    const visitorsBySite = new Map<string, Set<string>>()
    for (const r of probe) (visitorsBySite.get(r.site) ?? visitorsBySite.set(r.site, new Set()).get(r.site)!).add(r.visitor_id)
    const sizes = [...visitorsBySite].map(([site, v]) => [site, v.size] as const).sort((x, y) => y[1] - x[1])
    expect(sizes[0]![0]).toBe('canon')
    expect(sizes.length).toBe(sites.length)
  })

  it('links: leads, orders, chats and calls point at records that exist', () => {
    const visitors = new Set(probe.map((r) => r.visitor_id))
    const chatIds = new Set(chats.map((c) => c.conversation_id))
    const callIds = new Set(calls.map((c) => c.call_id))
    const leadIds = new Set(leads.map((l) => l.lead_id))
    for (const l of leads) {
      if (l.visitor_id) expect(visitors.has(l.visitor_id), l.lead_id).toBe(true)
      if (l.conversation_id) expect(chatIds.has(l.conversation_id), l.lead_id).toBe(true)
      if (l.call_id) expect(callIds.has(l.call_id), l.lead_id).toBe(true)
      expect(l.visitor_id || l.call_id, l.lead_id).toBeTruthy()
    }
    for (const o of orders) {
      if (o.lead_id) expect(leadIds.has(o.lead_id), o.order_id).toBe(true)
      if (o.visitor_id) expect(visitors.has(o.visitor_id), o.order_id).toBe(true)
      expect(Number(o.amount)).toBeGreaterThan(0)
    }
    for (const c of chats) if (c.visitor_id) expect(visitors.has(c.visitor_id), c.conversation_id).toBe(true)
    for (const c of calls) {
      if (c.visitor_id) expect(visitors.has(c.visitor_id), c.call_id).toBe(true)
      if (c.transferred_from) expect(chatIds.has(c.transferred_from), c.call_id).toBe(true)
    }
    // probe events that name a lead/order/conversation refer to rows of those files
    const orderIds = new Set(orders.map((o) => o.order_id))
    for (const e of probe) {
      if (e.type === 'lead') expect(leadIds.has(e.ref_id), e.event_id).toBe(true)
      if (e.type === 'order') expect(orderIds.has(e.ref_id), e.event_id).toBe(true)
      if (e.type === 'chat_request' || e.type === 'chat_start') expect(chatIds.has(e.ref_id), e.event_id).toBe(true)
    }
    expect(calls.some((c) => c.visitor_id)).toBe(true)
    expect(leads.some((l) => l.conversation_id) && leads.some((l) => l.call_id)).toBe(true)
    expect(orders.some((o) => o.lead_id)).toBe(true)
  })

  it('transcripts belong to answered outbound telesales calls, with ordered turns and ms offsets', () => {
    const byId = new Map(calls.map((c) => [c.call_id, c]))
    const lastTurn = new Map<string, number>()
    const problems: string[] = []
    for (const t of transcripts) {
      const call = byId.get(t.call_id)
      const where = `${t.call_id}#${t.turn_no}`
      if (!call) problems.push(`${where}: no such call`)
      else if (call.direction !== 'outbound' || call.campaign === '' || call.disposition !== 'answered')
        problems.push(`${where}: not an answered campaign call`)
      if (t.speaker !== 'agent' && t.speaker !== 'customer') problems.push(`${where}: speaker ${t.speaker}`)
      if (!(Number(t.end_ms) > Number(t.start_ms))) problems.push(`${where}: end_ms ≤ start_ms`)
      if (Number(t.turn_no) !== (lastTurn.get(t.call_id) ?? 0) + 1) problems.push(`${where}: turn out of sequence`)
      if (!(Number(t.confidence) > 0 && Number(t.confidence) < 1)) problems.push(`${where}: confidence ${t.confidence}`)
      lastTurn.set(t.call_id, Number(t.turn_no))
    }
    expect(problems).toEqual([])
    expect(lastTurn.size).toBeGreaterThan(5)
  })

  it('call center realism: abandons (some within 5 s), unanswered and bot-only chats, CSAT on part', () => {
    const secs = (ts: string) => Date.parse(ts.replace(' ', 'T') + 'Z') / 1000
    const abandoned = calls.filter((c) => c.disposition === 'abandoned')
    expect(abandoned.length).toBeGreaterThan(0)
    expect(abandoned.some((c) => secs(c.ended_at) - secs(c.offered_at) <= 5)).toBe(true)
    for (const c of abandoned) expect(c.answered_at).toBe('')
    const answered = calls.filter((c) => c.disposition === 'answered')
    const withCsat = answered.filter((c) => c.csat !== '')
    expect(withCsat.length).toBeGreaterThan(0)
    expect(withCsat.length).toBeLessThan(answered.length)
    expect(new Set(calls.filter((c) => c.direction === 'outbound').map((c) => c.disposition)).size).toBeGreaterThanOrEqual(3)
    expect(chats.some((c) => c.answered_at === null && c.outcome === 'unanswered')).toBe(true)
    expect(chats.some((c) => c.outcome === 'bot_only' && c.messages.every((m: any) => m.sender_type !== 'agent'))).toBe(true)
    expect(chats.some((c) => c.csat !== null) && chats.some((c) => c.csat === null)).toBe(true)
  })

  it('referrers in real engine formats, including GBK-encoded Baidu keywords and Baidu links that hide the keyword', () => {
    const refs = probe.filter((r) => r.type === 'pageview').map((r) => r.referrer)
    const gbk = refs.find((r) => r.startsWith('https://www.baidu.com/s?wd=%') && r.includes('ie=gbk'))
    expect(gbk).toBeDefined()
    const wd = /wd=([^&]+)/.exec(gbk!)![1]!
    const bytes = Buffer.from(
      wd.replace(/%([0-9A-F]{2})/g, (_, h) => String.fromCharCode(Number.parseInt(h, 16))).replace(/\+/g, ' '),
      'latin1',
    )
    // a brand search or one of the generic ones every site of an industry shares
    expect(iconv.decode(bytes, 'gbk')).toMatch(/佳能|光影|锐图|美家|打印机|传真机|相机|空调|冰箱/)
    expect(refs.some((r) => r.startsWith('https://www.baidu.com/link?url='))).toBe(true)
    for (const host of ['sogou.com', 'so.com/s?q=', 'sm.cn/s?q=', 'bing.com/search?q=', 'google.com'])
      expect(
        refs.some((r) => r.includes(host)),
        host,
      ).toBe(true)
  })

  it('events: returning visitors, heartbeats every 15 s, clicks with coordinates, invites, identify, bots', () => {
    expect(probe.some((r) => Number(r.visit_count) >= 3)).toBe(true)
    const types = new Set(probe.map((r) => r.type))
    for (const t of [
      'pageview',
      'heartbeat',
      'click',
      'invite_shown',
      'invite_accepted',
      'invite_declined',
      'chat_request',
      'chat_start',
      'lead',
      'order',
    ])
      expect(types.has(t), t).toBe(true)
    for (const c of probe.filter((r) => r.type === 'click')) expect(c.x !== '' && c.y !== '' && c.selector !== '').toBe(true)
    for (const o of probe.filter((r) => r.type === 'order')) expect(Number(o.value)).toBeGreaterThan(0)
    expect(probe.some((r) => /Baiduspider|Googlebot/.test(r.user_agent))).toBe(true)
    expect(probe.some((r) => r.ip.includes(':'))).toBe(true)
    // first heartbeat of a visitor's first page comes 15 s after its pageview
    const first = probe.find((r) => r.type === 'pageview' && !/bot|spider/i.test(r.user_agent))!
    const next = probe.find((r) => r.visitor_id === first.visitor_id && r.type === 'heartbeat' && !r.props)
    if (next) expect((Date.parse(next.ts.replace(' ', 'T')) - Date.parse(first.ts.replace(' ', 'T'))) % 15000).toBe(0)
  })

  it('--events mode keeps simulating visitors until the event count is reached', async () => {
    const out = join(dir.path, 'events')
    const result = await generate({days: 3, events: 3000, seed: 'ev', out})
    const rows = result.files.find((f) => f.file === 'probe_events.csv')!.rows
    expect(rows).toBeGreaterThanOrEqual(3000)
    expect(rows).toBeLessThan(3000 + 500)
  })

  it('rejects bad options', async () => {
    await expect(generate({days: 0, visitors: 1, out: join(dir.path, 'x')})).rejects.toThrow(/days/)
    await expect(generate({days: 1, visitors: 1, out: join(dir.path, 'x'), endDate: '31/10/2026'})).rejects.toThrow(/endDate/)
  })
})
