import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ccx, tempDir} from '../helpers/cli.js'

const F = join(import.meta.dirname, '../fixtures/service')
// The same calls as calls.csv, exported by a CDR system with its own (Chinese) headers, column order and date format.
const CDR_MAP = [
  'offered_at=进线时间',
  'call_id=呼叫编号',
  'phone=主叫号码',
  'direction=方向',
  'queue=技能组',
  'agent_id=坐席工号',
  'customer_id=客户编号',
  'answered_at=接听时间',
  'ended_at=挂机时间',
  'hold_s=保持时长',
  'wrap_s=话后处理',
  'disposition=状态',
  'outcome=结果',
  'campaign=活动',
  'csat=满意度',
  'transferred_from=来源会话',
  'site=站点',
  'visitor_id=访客',
].join(',')

describe('service commands end to end (bin/run.js, real DuckDB files)', () => {
  const tmp = tempDir('ccx-service-')
  const canonical = join(tmp.path, 'canonical.duckdb')
  const mapped = join(tmp.path, 'mapped.duckdb')

  beforeAll(async () => {
    for (const [source, file] of [
      ['calls', 'calls.csv'],
      ['chats', 'chats.ndjson'],
      ['leads', 'leads.csv'],
      ['orders', 'orders.csv'],
    ]) {
      const r = await ccx(['ingest', source, join(F, file), '--db', canonical, '--json'])
      expect(r.code, r.stderr).toBe(0)
    }
    const m = await ccx([
      'ingest',
      'calls',
      join(F, 'cdr-export.csv'),
      '--db',
      mapped,
      '--map',
      CDR_MAP,
      '--ts-format',
      '%Y/%m/%d %H:%M:%S',
      '--json',
    ])
    expect(m.code, m.stderr).toBe(0)
    for (const db of [canonical, mapped]) {
      const run = await ccx(['run', 'service', '--db', db])
      expect(run.code, run.stderr).toBe(0)
    }
  })
  afterAll(() => tmp.cleanup())

  it('report service: hand-computed KPIs after a real ingest', async () => {
    const r = await ccx(['report', 'service', '--by', 'total', '--db', canonical, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const t = r.json().total
    // calls: 7 offered, 4 answered; chats: 4 offered (bot-only h4 left out), 3 answered
    expect([t.offered, t.answered, t.abandoned, t.shortAbandoned, t.botOnly]).toEqual([11, 7, 4, 1, 1])
    expect(t.serviceLevel).toBeCloseTo(4 / 11, 10) // c1 c2 c8 + h5
    expect(t.asaSeconds).toBeCloseTo((80 + 75) / 7, 10)
    expect(t.occupancy).toBeNull()
  }, 300_000)

  it('a CDR export with its own column names, loaded with --map, gives the same KPIs as the canonical file', async () => {
    const a = await ccx(['report', 'service', '--by', 'queue', '--kind', 'call', '--db', canonical, '--json'])
    const b = await ccx(['report', 'service', '--by', 'queue', '--kind', 'call', '--db', mapped, '--json'])
    expect(a.code, a.stderr).toBe(0)
    expect(b.code, b.stderr).toBe(0)
    expect(b.json().rows).toEqual(a.json().rows)
    expect(b.json().total).toEqual(a.json().total)
    expect(a.json().total.ahtSeconds).toBeCloseTo(228.75, 10)
  }, 300_000)

  it('report agents, report layers and charts', async () => {
    const chart = join(tmp.path, 'agents.vl.json')
    const a = await ccx(['report', 'agents', '--min-contacts', '3', '--db', canonical, '--json', '--chart', chart])
    expect(a.code, a.stderr).toBe(0)
    const agents = a.json().agents
    expect(agents[0]).toMatchObject({agent_id: 'a3', rank: 1})
    expect(agents.find((x: {agent_id: string}) => x.agent_id === 'a1').ranked).toBe(false)
    expect(JSON.parse(readFileSync(chart, 'utf8')).mark).toBe('bar')

    const l = await ccx(['report', 'layers', '--bot-labels', join(F, 'bot-labels.csv'), '--db', canonical, '--json'])
    expect(l.code, l.stderr).toBe(0)
    expect(l.json().botAccuracy).toMatchObject({labelled: 4, correct: 3})
  }, 300_000)

  it('staffing from flags and from history', async () => {
    const f = await ccx([
      'staffing',
      '--calls',
      '100',
      '--interval',
      '30',
      '--aht',
      '180',
      '--target',
      '0.8',
      '--threshold',
      '20',
      '--shrinkage',
      '0.3',
      '--max-occupancy',
      '0.85',
      '--json',
    ])
    expect(f.code, f.stderr).toBe(0)
    expect(f.json()).toMatchObject({agents: 14, scheduled: 20})
    const chart = join(tmp.path, 'staffing.vl.json')
    const h = await ccx(['staffing', '--kind', 'call', '--interval', '60', '--db', canonical, '--json', '--chart', chart])
    expect(h.code, h.stderr).toBe(0)
    const plan = h.json()
    // 2026-01-05 (Mon) to 01-06 (Tue): one Monday; Monday 09:00–10:00 had c1 c2 c3 c4 → 4 calls/hour, AHT (350+130+300)/3
    const mon9 = plan.rows.find((r: {weekday: number; interval: string}) => r.weekday === 1 && r.interval === '09:00')
    expect(mon9.contacts).toBe(4)
    expect(mon9.ahtSeconds).toBeCloseTo(780 / 3, 8)
    expect(existsSync(chart)).toBe(true)
  }, 300_000)

  it('user errors exit 2 with a clear message', async () => {
    const r = await ccx(['staffing', '--calls', '10', '--aht', '180', '--target', '150'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--target 150/)
    const d = await ccx(['report', 'service', '--from', '2026-02-30', '--db', canonical])
    expect(d.code).toBe(2)
    expect(d.stderr).toMatch(/2026-02-30 is not a calendar date/)
    const w = await ccx(['report', 'service', '--from', 'someday', '--db', canonical])
    expect(w.code).toBe(2)
    expect(w.stderr).toMatch(/YYYY-MM-DD/)
  }, 300_000)

  it('staffing refuses impossible and ambiguous inputs instead of guessing (exit 2)', async () => {
    const base = ['staffing', '--aht', '180']
    for (const [args, message] of [
      [['--calls', '-5'], /--calls -5: must be ≥ 0/],
      [['--calls', '100', '--threshold', '-20'], /--threshold -20: must be ≥ 0/],
      [['--calls', '100', '--max-occupancy', '1.5'], /--max-occupancy 1.5: not a share/],
      [['--calls', '100', '--max-occupancy', '150%'], /--max-occupancy 150%: not a share/],
      [['--calls', '100', '--concurrency', '2'], /--concurrency applies to chats/],
      [['--chats', '60', '--concurrency', '0.5'], /--concurrency 0.5: must be a number ≥ 1/],
    ] as const) {
      const r = await ccx([...base, ...args])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2)
      expect(r.stderr.replace(/\s*\n\s*›?\s*/g, ' ')).toMatch(message)
    }
    // 1.5% written as a percent is unambiguous: Erlang C with occupancy ≤ 1.5% needs ⌈10 / 0.015⌉ = 667 agents
    const pct = await ccx([...base, '--calls', '100', '--max-occupancy', '1.5%', '--json'])
    expect(pct.code, pct.stderr).toBe(0)
    expect(pct.json()).toMatchObject({agents: 667, limitedBy: 'max-occupancy'})
    // 85 and 0.85 are the same share
    const a = (await ccx([...base, '--calls', '100', '--max-occupancy', '85', '--json'])).json()
    const b = (await ccx([...base, '--calls', '100', '--max-occupancy', '0.85', '--json'])).json()
    expect(a.agents).toBe(b.agents)
  }, 300_000)

  it('chat staffing with a fractional concurrency runs Erlang C on whole positions', async () => {
    // 100 chats / 30 min, AHT 180 s → A = 10; 79% in 20 s needs 13 positions; 1.5 chats per agent → 9 agents → ⌊13.5⌋ = 13
    const r = await ccx(['staffing', '--chats', '100', '--aht', '180', '--target', '0.79', '--concurrency', '1.5', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json()).toMatchObject({agents: 9, positions: 13, concurrency: 1.5})
  }, 300_000)
})
