import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {staffing} from '../../src/reports/service/erlang.js'
import {staffingFromHistory} from '../../src/reports/service/staffing.js'
import {Store} from '../../src/store/store.js'
import {runPipeline} from '../helpers/pipelines.js'
import {buildReportSections} from '../../src/reports/html.js'
import {reportContext} from '../helpers/pipelines.js'
import {loadServiceFixtures} from '../fixtures/service/load.js'

let store: Store
beforeAll(async () => {
  store = await Store.open(':memory:')
  await loadServiceFixtures(store)
  await runPipeline(store, 'service')
})
afterAll(async () => store.close())

const base = {intervalMinutes: 60, target: 0.8, thresholdS: 20, shrinkage: 0, maxOccupancy: 0.85}

describe('staffing from history (typical week)', () => {
  it('calls: volume per weekday × hour averaged over the weekdays in the span, AHT measured in the cell', async () => {
    const plan = await staffingFromHistory(store, {...base, kind: 'call'})
    // span 2026-01-05 (Mon) … 01-06 (Tue): one Monday, one Tuesday
    const cells = plan.rows.map((r) => [r.weekday, r.interval, r.contacts])
    expect(cells).toEqual([
      [1, '09:00', 4],
      [1, '10:00', 2],
      [2, '14:00', 1],
    ])
    const mon9 = plan.rows[0]
    expect(mon9.ahtSeconds).toBeCloseTo((350 + 130 + 300) / 3, 10) // c4 abandoned: no handle time
    const expected = staffing({
      contacts: 4,
      intervalSeconds: 3600,
      ahtSeconds: 780 / 3,
      target: 0.8,
      thresholdSeconds: 20,
      maxOccupancy: 0.85,
    })
    expect(mon9.agents).toBe(expected.agents)
    // Monday 10:00 has only abandons: the overall AHT (915 / 4) stands in
    expect(plan.rows[1].ahtSeconds).toBeCloseTo(915 / 4, 10)
  })

  it('a longer span lowers the average: two Mondays halve Monday volume', async () => {
    // --from/--to 01-05 … 01-12 (inclusive) holds two Mondays; the quiet second Monday counts as zero
    const plan = await staffingFromHistory(store, {...base, kind: 'call', from: '2026-01-05', to: '2026-01-12'})
    expect(plan.rows.find((r) => r.weekday === 1 && r.interval === '09:00')?.contacts).toBe(4 / 2)
    expect(plan.rows.find((r) => r.weekday === 2 && r.interval === '14:00')?.contacts).toBe(1) // one Tuesday (01-06)
    // without a range the span is the data's: a call on 01-12 makes it two Mondays as well
    await store.run(
      `insert into raw_calls (call_id, site, direction, queue, offered_at, ended_at, ingest_id) values ('m2', 's1', 'inbound', 'sales', '2026-01-12 09:05:00', '2026-01-12 09:05:02', 0)`,
    )
    await store.bumpTableVersion('raw_calls')
    await runPipeline(store, 'service')
    const two = await staffingFromHistory(store, {...base, kind: 'call'})
    expect(two.rows.find((r) => r.weekday === 1 && r.interval === '09:00')?.contacts).toBe(5 / 2)
    await store.run(`delete from raw_calls where call_id = 'm2'`)
    await store.bumpTableVersion('raw_calls')
    await runPipeline(store, 'service')
  })

  it('chats: measured concurrency divides the positions', async () => {
    const plan = await staffingFromHistory(store, {...base, kind: 'chat'})
    expect(plan.concurrency).toBeCloseTo(350 / 275, 10) // see service-kpis.test.ts
    const forced = await staffingFromHistory(store, {...base, kind: 'chat', concurrency: 2})
    for (const r of forced.rows) expect(r.agents).toBe(Math.ceil(r.positions / 2))
  })
})

describe('HTML report section', () => {
  it('returns service levels, agent scores, layers, staffing and data quality blocks', async () => {
    const sections = (await buildReportSections(reportContext(store)))
      .filter((p) => p.source.startsWith('service/'))
      .flatMap((p) => p.sections ?? [])
    expect(sections.map((s) => s.title)).toEqual([
      'Service levels',
      'Agent scores',
      'Service layers',
      'Staffing (typical week, calls)',
      'Data quality',
    ])
    const byChannel = sections[0].tables[0].rows
    expect(byChannel.map((r) => r.group)).toEqual(['phone', 'web', 'total'])
    expect(byChannel[2].offered).toBe(11)
    expect(sections[0].charts.length).toBe(2)
  })
})
