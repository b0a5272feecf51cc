import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {Store} from '../../src/store/store.js'
import {writeFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {funnelChart, funnelReport, funnelRows, martIsFresh, parseStages, readStagesFile} from '../../src/reports/marketing/funnel.js'
import {buildFunnelFixture} from '../helpers/report-fixture.js'
import martsPipeline from '../../src/pipelines/marketing/pipeline.js'

// The same answers from the live tables and from the marketing marts (src/pipelines/marketing).
describe.each(['live', 'mart'] as const)('funnel report (%s)', (source) => {
  let store: Store
  beforeAll(async () => {
    store = await Store.open(':memory:')
    await buildFunnelFixture(store)
    if (source === 'mart') await martsPipeline.run({store, config: {} as never, log: () => {}})
  })
  afterAll(async () => store.close())
  const range = {from: '2026-11-01', to: '2026-11-07', source}

  it('counts visitors through the default stages in order (ordered)', async () => {
    const r = await funnelReport(store, range)
    expect(r.total.map((s) => s.name)).toEqual(['traffic', 'inquiries', 'leads', 'orders'])
    expect(r.total.map((s) => s.count)).toEqual([6, 5, 3, 1])
    expect(r.total.map((s) => s.conversion_from_previous)).toEqual([null, 5 / 6, 3 / 5, 1 / 3])
    expect(r.total.map((s) => s.conversion_from_first)).toEqual([1, 5 / 6, 3 / 6, 1 / 6])
    expect(r.total.map((s) => s.drop_off)).toEqual([null, 1, 2, 2])
    // medians: inquiries {300, 1800, 600, 2400, 900} → 900; leads {900, 1800, 3600} → 1800; orders {172800}
    expect(r.total.map((s) => s.median_s_from_previous)).toEqual([null, 900, 1800, 172800])
  })

  it('any order counts a lead that came before the inquiry', async () => {
    const r = await funnelReport(store, {...range, order: 'any'})
    expect(r.total.map((s) => s.count)).toEqual([6, 5, 4, 1])
  })

  it('a shorter window drops the later order', async () => {
    const r = await funnelReport(store, {...range, windowS: 86400})
    expect(r.total.map((s) => s.count)).toEqual([6, 5, 3, 0])
  })

  it('counts sessions when the unit is session', async () => {
    const r = await funnelReport(store, {...range, unit: 'session'})
    expect(r.total.map((s) => s.count)).toEqual([7, 5, 3, 0])
  })

  it('breaks down by keyword from the entry session', async () => {
    const r = await funnelReport(store, {...range, breakdown: ['keyword']})
    const by = Object.fromEntries(r.groups.map((g) => [g.key.keyword, g.stages.map((s) => s.count)]))
    expect(by).toEqual({佳能维修站: [3, 3, 2, 1], '(none)': [2, 1, 1, 0], 打印机维修: [1, 1, 0, 0]})
    expect(r.total.map((s) => s.count)).toEqual([6, 5, 3, 1])
    const rows = funnelRows(r)
    expect(rows).toHaveLength(16)
    expect(rows[0]).toMatchObject({keyword: '(all)', stage: 1, count: 6})
  })

  it('filters by --where on the entry session and by custom stages', async () => {
    const r = await funnelReport(store, {...range, where: "s.city = '深圳市'"})
    expect(r.total.map((s) => s.count)).toEqual([2, 2, 1, 1])
    const custom = await funnelReport(store, {...range, stages: parseStages('traffic,contact=call_inbound|message,lead')})
    expect(custom.total.map((s) => s.count)).toEqual([6, 2, 1])
  })

  it('starts from a stage other than traffic, with the entry session of that first stage', async () => {
    // inquiries: v1 10:05, v2 (call → session C), v3, v5, v6 = 5; leads after them: v1, v2, v6; orders: v1
    const r = await funnelReport(store, {...range, stages: parseStages('inquiries,leads,orders'), breakdown: ['keyword']})
    expect(r.total.map((s) => s.count)).toEqual([5, 3, 1])
    const by = Object.fromEntries(r.groups.map((g) => [g.key.keyword, g.stages.map((s) => s.count)]))
    expect(by).toEqual({佳能维修站: [3, 2, 1], 打印机维修: [1, 0, 0], '(none)': [1, 1, 0]})
  })

  it('reads stages from a file, with SQL conditions on the step', async () => {
    const file = join(tmpdir(), `ccx-stages-${process.pid}-${source}.json`)
    writeFileSync(
      file,
      JSON.stringify({stages: ['traffic', {name: 'chat', where: "type = 'chat_request'"}, {name: 'bought', types: ['order']}]}),
    )
    const stages = readStagesFile(file)
    rmSync(file)
    // chats: v1, v5, v6 (probe chat_request events); orders after the chat within 30 days: v1
    const r = await funnelReport(store, {...range, stages})
    expect(r.total.map((s) => [s.name, s.count])).toEqual([
      ['traffic', 6],
      ['chat', 3],
      ['bought', 1],
    ])
    expect(() => parseStages('traffic,teleport')).toThrow(/unknown step type "teleport"/)
    expect(() => parseStages('traffic')).toThrow(/at least two stages/)
  })

  it('breaks down by intent and by day', async () => {
    await store.run(
      `delete from session_intents; insert into session_intents values ('A', 'repair', 0.9, 'rule', null), ('C', 'repair', 0.8, 'rule', null), ('D', 'buy', 0.7, 'rule', null)`,
    )
    if (source === 'mart') await martsPipeline.run({store, config: {} as never, log: () => {}})
    const r = await funnelReport(store, {...range, breakdown: ['intent']})
    const by = Object.fromEntries(r.groups.map((g) => [g.key.intent, g.stages.map((s) => s.count)]))
    // repair: v1 (A), v2 (C); buy: v3 (D); none: v4, v5, v6
    expect(by).toEqual({repair: [2, 2, 2, 1], buy: [1, 1, 0, 0], '(none)': [3, 2, 1, 0]})
    // a time breakdown is a series: every day of --from … --to in date order (days without visitors are 0), not
    // the largest days first
    const days = await funnelReport(store, {...range, breakdown: ['day'], limit: 2})
    expect(days.groups.map((g) => [g.key.day, g.stages[0].count])).toEqual([
      ['2026-11-01', 2],
      ['2026-11-02', 3],
      ['2026-11-03', 1],
      ['2026-11-04', 0],
      ['2026-11-05', 0],
      ['2026-11-06', 0],
      ['2026-11-07', 0],
    ])
    expect(days.groups_dropped).toBe(0)
    // the chart draws the same days in the same order (one line per stage)
    const chart = funnelChart(days) as {data: {values: Array<{group: string; stage: number}>}}
    expect(chart.data.values.filter((v) => v.stage === 1).map((v) => v.group)).toEqual(days.groups.map((g) => g.key.day))
    const weeks = await funnelReport(store, {...range, breakdown: ['week']})
    // 2026-11-01 is a Sunday: its week starts Monday 10-26; 11-02 … 11-07 are the next week
    expect(weeks.groups.map((g) => [g.key.week, g.stages[0].count])).toEqual([
      ['2026-10-26', 2],
      ['2026-11-02', 4],
    ])
  })
})

/** Waits until the database clock has moved past the last version change (freshness compares their times). */
async function clockPasses(store: Store): Promise<void> {
  while (!(await store.scalar<boolean>(`select timezone('UTC', now()) > (select max(changed_at) from table_versions)`)))
    await new Promise((r) => setImmediate(r))
}

it('uses the marts only when they are fresher than their inputs', async () => {
  const store = await Store.open(':memory:')
  await buildFunnelFixture(store)
  expect(await martIsFresh(store)).toBe(false)
  await martsPipeline.run({store, config: {} as never, log: () => {}})
  await store.bumpTableVersion('events')
  await clockPasses(store)
  await store.bumpTableVersion('mart_funnel_steps')
  await store.bumpTableVersion('mart_sessions')
  expect(await martIsFresh(store)).toBe(true)
  await clockPasses(store)
  await store.bumpTableVersion('raw_leads')
  expect(await martIsFresh(store)).toBe(false)
  await store.close()
})

it("compares change times in UTC whatever time zone the session that bumped them was in (ingest sets the data's)", async () => {
  const store = await Store.open(':memory:')
  await buildFunnelFixture(store)
  await martsPipeline.run({store, config: {} as never, log: () => {}})
  await store.run(`set TimeZone = 'Asia/Shanghai'`)
  await store.bumpTableVersion('events')
  await store.run(`set TimeZone = 'America/Los_Angeles'`)
  await clockPasses(store)
  await store.bumpTableVersion('mart_funnel_steps')
  await store.bumpTableVersion('mart_sessions')
  expect(await martIsFresh(store)).toBe(true)
  await store.close()
})
