import {readFileSync, statSync, readdirSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import Papa from 'papaparse'
import {describe, expect, it} from 'vitest'
import {parseAccessLogLine} from '../../src/ingest/access-log.js'

const require = createRequire(import.meta.url)
const IP2Region = require('ip2region').default
const geo = new IP2Region()
const FIXTURES = join(import.meta.dirname, '../../fixtures')
const cityIps = JSON.parse(readFileSync(join(FIXTURES, 'generator/city-ips.json'), 'utf8'))
const directory = JSON.parse(readFileSync(join(FIXTURES, 'directory.json'), 'utf8'))
type Row = Record<string, string>
const readCsv = (path: string): Row[] => Papa.parse<Row>(readFileSync(path, 'utf8'), {header: true, skipEmptyLines: true}).data
const ipToLong = (ip: string) => ip.split('.').reduce((a, p) => a * 256 + Number(p), 0)
const longToIp = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')

describe('city IP table (fixtures/generator/city-ips.json)', () => {
  it('covers at least 25 cities, the story cities and the big ones', () => {
    const cities = cityIps.cities.map((c: {city: string}) => c.city)
    expect(cities.length).toBeGreaterThanOrEqual(25)
    for (const c of ['深圳市', '长沙市', '昆明市', '沈阳市', '北京市', '上海市', '广州市', '成都市', '武汉市', '杭州市'])
      expect(cities).toContain(c)
  })

  it('every range maps to its city in ip2region (first, middle and last address)', () => {
    const wrong: string[] = []
    for (const {city, province, ranges} of cityIps.cities) {
      expect(ranges.length).toBeGreaterThanOrEqual(2)
      for (const r of ranges) {
        const lo = ipToLong(r.start)
        const hi = ipToLong(r.end)
        for (const ip of [lo, Math.floor((lo + hi) / 2), hi].map(longToIp)) {
          const hit = geo.search(ip)
          if (hit.city !== city || hit.province !== province || hit.country !== '中国')
            wrong.push(`${ip} → ${JSON.stringify(hit)} (want ${city})`)
        }
      }
    }
    expect(wrong).toEqual([])
  })

  it('foreign ranges are outside China and IPv6 samples are what ip2region says', () => {
    for (const r of cityIps.foreign) expect(geo.search(r.start).country).toBe(r.country)
    expect(cityIps.foreign.every((r: {country: string}) => r.country !== '中国')).toBe(true)
    for (const v6 of cityIps.ipv6) expect(geo.search(v6.ip)).toMatchObject({country: v6.country, province: v6.province})
    expect(cityIps.ipv6.length).toBeGreaterThan(0)
  })
})

describe('resource directory (fixtures/directory.json)', () => {
  const resources: Array<Record<string, string>> = directory.resources
  it('has every type for every generator city, named as ip2region names them', () => {
    const provinceOf = new Map(cityIps.cities.map((c: {city: string; province: string}) => [c.city, c.province]))
    for (const city of provinceOf.keys()) {
      for (const type of ['repair_station', 'dealer', 'store', 'partner'])
        expect(
          resources.some((r) => r.city === city && r.type === type),
          `${city} ${type}`,
        ).toBe(true)
    }
    for (const r of resources) {
      expect(r.province).toBe(provinceOf.get(r.city))
      for (const k of ['id', 'name', 'address', 'phone', 'hours', 'url']) expect(r[k], `${r.id}.${k}`).toBeTruthy()
    }
    expect(new Set(resources.map((r) => r.id)).size).toBe(resources.length)
  })
  it('holds the resources the story needs', () => {
    expect(resources.find((r) => r.type === 'repair_station' && r.city === '深圳市')).toMatchObject({province: '广东省'})
    expect(resources.find((r) => r.type === 'dealer' && r.city === '长沙市')).toMatchObject({tier: 'gold', province: '湖南省'})
    expect(resources.find((r) => r.type === 'partner' && r.city === '昆明市')).toMatchObject({province: '云南省'})
    expect(resources.find((r) => r.type === 'store' && r.city === '沈阳市')).toMatchObject({province: '辽宁省'})
    expect(resources.some((r) => r.type === 'dealer' && r.tier !== 'gold')).toBe(true)
  })
})

describe('story sample (fixtures/samples/story/probe_events.csv)', () => {
  const rows = readCsv(join(FIXTURES, 'samples/story/probe_events.csv'))
  const of = (v: string) => rows.filter((r) => r.visitor_id === v)
  const secs = (ts: string) => Date.parse(ts.replace(' ', 'T') + 'Z') / 1000

  it('holds exactly the four story visitors, each on an IP of its city', () => {
    expect([...new Set(rows.map((r) => r.visitor_id))].sort()).toEqual([
      'v-story-changsha',
      'v-story-kunming',
      'v-story-shenyang',
      'v-story-shenzhen',
    ])
    const want: Record<string, string> = {
      'v-story-shenzhen': '深圳市',
      'v-story-changsha': '长沙市',
      'v-story-kunming': '昆明市',
      'v-story-shenyang': '沈阳市',
    }
    for (const r of rows) expect(geo.search(r.ip).city, r.event_id).toBe(want[r.visitor_id])
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(rows.length)
  })
  it('Shenzhen: Baidu with the GBK-encoded 佳能维修站, first visit', () => {
    const pv = of('v-story-shenzhen').filter((r) => r.type === 'pageview')
    expect(pv).toHaveLength(1)
    expect(pv[0]!.referrer).toContain('https://www.baidu.com/s?wd=%BC%D1%C4%DC%CE%AC%D0%DE%D5%BE&ie=gbk')
    expect(pv[0]!.visit_count).toBe('1')
  })
  it('Changsha: Google 佳能传真机报价, third visit after two on earlier days', () => {
    const pv = of('v-story-changsha').filter((r) => r.type === 'pageview')
    const days = [...new Set(pv.map((r) => r.ts.slice(0, 10)))]
    expect(days).toHaveLength(3)
    const last = pv.at(-1)!
    expect(last.visit_count).toBe('3')
    expect(decodeURIComponent(new URL(last.referrer).searchParams.get('q')!)).toBe('佳能传真机报价')
  })
  it('Kunming: Sogou 买佳能数码相机, two minutes on the page by heartbeats', () => {
    const ev = of('v-story-kunming')
    const pv = ev.filter((r) => r.type === 'pageview')
    expect(pv).toHaveLength(1)
    expect(new URL(pv[0]!.referrer).searchParams.get('query')).toBe('买佳能数码相机')
    const lastBeat = ev.filter((r) => r.type === 'heartbeat').at(-1)!
    expect(secs(lastBeat.ts) - secs(pv[0]!.ts)).toBe(120)
  })
  it('Shenyang: Google with the keyword written unencoded', () => {
    expect(of('v-story-shenyang').find((r) => r.type === 'pageview')!.referrer).toBe('https://www.google.com.hk/search?q=佳能专卖店')
  })
})

describe('hand-written samples (fixtures/samples)', () => {
  const dir = join(FIXTURES, 'samples')
  it('are small', () => {
    for (const f of readdirSync(dir).filter((f) => f.includes('.'))) expect(statSync(join(dir, f)).size, f).toBeLessThan(100 * 1024)
  })
  it('link to each other', () => {
    const probe = readCsv(join(dir, 'probe_events.csv'))
    const calls = readCsv(join(dir, 'calls.csv'))
    const leads = readCsv(join(dir, 'leads.csv'))
    const orders = readCsv(join(dir, 'orders.csv'))
    const transcripts = readCsv(join(dir, 'transcripts.csv'))
    const chats = readFileSync(join(dir, 'chats.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
    const flat = readCsv(join(dir, 'chats.csv'))
    const visitors = new Set(probe.map((r) => r.visitor_id))
    const chatIds = new Set(chats.map((c) => c.conversation_id))
    const callIds = new Set(calls.map((c) => c.call_id))
    const leadIds = new Set(leads.map((l) => l.lead_id))
    for (const l of leads) {
      if (l.visitor_id) expect(visitors.has(l.visitor_id)).toBe(true)
      if (l.conversation_id) expect(chatIds.has(l.conversation_id)).toBe(true)
      if (l.call_id) expect(callIds.has(l.call_id)).toBe(true)
    }
    for (const o of orders) if (o.lead_id) expect(leadIds.has(o.lead_id)).toBe(true)
    for (const t of transcripts) expect(calls.find((c) => c.call_id === t.call_id)?.direction).toBe('outbound')
    for (const c of calls) if (c.transferred_from) expect(chatIds.has(c.transferred_from)).toBe(true)
    expect(flat.length).toBe(chats.reduce((n, c) => n + c.messages.length, 0))
    expect(new Set(flat.map((r) => r.conversation_id))).toEqual(chatIds)
  })
  it('probe.access.log: beacon requests parse to the probe events they came from', () => {
    const lines = readFileSync(join(dir, 'probe.access.log'), 'utf8').split('\n').filter(Boolean)
    const events = lines.map(parseAccessLogLine).filter((r) => r.kind === 'event') as Array<{kind: 'event'; fields: Record<string, string>}>
    const probe = new Map(readCsv(join(dir, 'probe_events.csv')).map((r) => [r.event_id, r]))
    expect(events.length).toBeGreaterThan(5)
    expect(events.length).toBeLessThan(lines.length)
    for (const {fields} of events) {
      const source = probe.get(fields.event_id!)!
      expect(source, fields.event_id).toBeDefined()
      for (const k of ['ts', 'type', 'site', 'visitor_id', 'url', 'ip', 'user_agent'])
        expect(fields[k], `${fields.event_id}.${k}`).toBe(source[k])
    }
  })
})
