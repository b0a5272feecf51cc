import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ConfigSchema} from '../../src/config/schema.js'
import intents from '../../src/pipelines/intents/pipeline.js'
import scenarios, {loadCompiledScenarios} from '../../src/pipelines/scenarios/pipeline.js'
import {replayScenarios} from '../../src/pipelines/scenarios/replay.js'
import {runPipelines} from '../../src/pipelines/runner.js'
import {Store} from '../../src/store/store.js'

const dir = mkdtempSync(join(tmpdir(), 'ccx-scen-'))
const directoryPath = join(dir, 'directory.json')
writeFileSync(
  directoryPath,
  JSON.stringify({
    resources: [
      {id: 'rs-sz', type: 'repair_station', name: '深圳维修站', province: '广东省', city: '深圳市'},
      {id: 'dl-cs', type: 'dealer', name: '长沙经销商', province: '湖南省', city: '长沙市', tier: 'gold'},
      {id: 'pt-km', type: 'partner', name: '昆明伙伴', province: '云南省', city: '昆明市'},
      {id: 'st-sy', type: 'store', name: '沈阳专卖店', province: '辽宁省', city: '沈阳市'},
    ],
  }),
)
const config = {config: ConfigSchema.parse({files: {directory: directoryPath}}), baseDir: dir}
let store: Store
const ctx = () => ({store, config, log: () => {}})

// session_id, visitor, visit_number, started, duration_s, pageviews, term, title, province, city, is_bot
const SESSIONS: Array<
  [string, string, number, string, number, number, string | null, string | null, string | null, string | null, boolean]
> = [
  ['s1', 'v1', 1, '2026-10-01 10:00:00', 40, 1, '佳能维修站', '佳能中国', '广东省', '深圳市', false],
  ['s2', 'v2', 3, '2026-10-01 11:00:00', 200, 2, '佳能传真机报价', '佳能中国', '湖南省', '长沙市', false],
  ['s3', 'v3', 1, '2026-10-02 12:00:00', 120, 3, '买佳能数码相机', '佳能中国', '云南省', '昆明市', false],
  ['s4', 'v4', 1, '2026-10-02 13:00:00', 30, 1, '佳能专卖店', '佳能中国', '辽宁省', '沈阳市', false],
  ['s5', 'v5', 1, '2026-10-03 14:00:00', 10, 1, null, '佳能中国', '北京市', '北京市', false],
  ['s6', 'v6', 1, '2026-10-03 15:00:00', 5, 9, '佳能维修站', '佳能中国', '广东省', '深圳市', true],
  ['s7', 'v1', 2, '2026-10-04 09:30:00', 600, 4, null, '佳能中国', '广东省', '深圳市', false],
]

beforeAll(async () => {
  store = await Store.open(':memory:')
  await store.run(`create table sessions (session_id VARCHAR, site VARCHAR, visitor_id VARCHAR, visit_number INTEGER, started_at TIMESTAMP, ended_at TIMESTAMP,
    duration_s DOUBLE, pageviews INTEGER, entry_url VARCHAR, entry_title VARCHAR, medium VARCHAR, source VARCHAR, term VARCHAR, province VARCHAR, city VARCHAR,
    device_type VARCHAR, is_bot BOOLEAN)`)
  for (const [id, v, n, start, dur, pv, term, title, prov, city, bot] of SESSIONS) {
    await store.run(
      `insert into sessions values ($id, 'canon', $v, $n, $start::TIMESTAMP, $start::TIMESTAMP + to_seconds($dur::BIGINT), $dur, $pv, 'https://www.canon.example/?utm=x', $title,
       'search', 'baidu', $term, $prov, $city, 'desktop', $bot)`,
      {id, v, n, start, dur, pv, term, title, prov, city, bot},
    )
  }
  await store.run(
    `create table events (event_id VARCHAR, site VARCHAR, visitor_id VARCHAR, session_id VARCHAR, ts TIMESTAMP, type VARCHAR)`,
  )
  await store.run(`insert into events values ('e1', 'canon', 'v5', 's5', '2026-10-03 14:00:05', 'lead')`)
  await store.run(`insert into raw_leads (lead_id, ts, site, visitor_id, ingest_id) values ('L1', '2026-10-05 10:00:00', 'canon', 'v2', 1)`)
  await store.run(
    `insert into raw_orders (order_id, ts, site, visitor_id, ingest_id) values ('O1', '2026-10-04 09:35:00', 'canon', 'v1', 1)`,
  )
  for (const t of ['sessions', 'events', 'raw_leads', 'raw_orders']) await store.bumpTableVersion(t)
})
afterAll(async () => {
  await store.close()
  rmSync(dir, {recursive: true, force: true})
})

describe('intents and scenarios pipelines', () => {
  it('classify each session and match the story scenarios', async () => {
    const outcomes = await runPipelines([intents, scenarios], ctx())
    expect(outcomes.map((o) => o.status)).toEqual(['ran', 'ran'])
    const si = await store.all<{session_id: string; intent: string; method: string}>(
      'select session_id, intent, method from session_intents order by session_id',
    )
    expect(si.map((r) => r.intent)).toEqual([
      'service_station',
      'price_quote',
      'purchase',
      'store_locator',
      'unknown',
      'service_station',
      'unknown',
    ])
    // 5 distinct (term, path, title) texts for 7 sessions
    expect(await store.scalar('select count(*) from intent_text_cache')).toBe(5)
    const m = await store.all<{session_id: string; scenario_id: string; action_type: string; resource_id: string; route_target: string}>(
      'select session_id, scenario_id, action_type, resource_id, route_target from scenario_matches order by session_id',
    )
    expect(m).toEqual([
      {session_id: 's1', scenario_id: 'service-station-card', action_type: 'card', resource_id: 'rs-sz', route_target: null},
      {session_id: 's2', scenario_id: 'returning-quote-invite', action_type: 'invite', resource_id: 'dl-cs', route_target: 'dl-cs'},
      {session_id: 's3', scenario_id: 'purchase-partner-chat', action_type: 'invite', resource_id: 'pt-km', route_target: 'pt-km'},
      {session_id: 's4', scenario_id: 'store-locator-card', action_type: 'card', resource_id: 'st-sy', route_target: null},
    ])
  })

  it('classifies only new distinct texts on the next run', async () => {
    await store.run(
      `insert into sessions select 's8', site, 'v8', 1, started_at, ended_at, duration_s, pageviews, entry_url, entry_title, medium, source, '佳能打印机驱动下载', province, city, device_type, false from sessions where session_id = 's1'`,
    )
    await store.bumpTableVersion('sessions')
    const outcomes = await runPipelines([intents], ctx())
    expect(outcomes[0].message).toBe('1 new distinct texts classified (1 keywords × 1 pages)')
    expect(await store.scalar(`select intent from session_intents where session_id = 's8'`)).toBe('support')
    await store.run(`delete from sessions where session_id = 's8'`)
    await store.bumpTableVersion('sessions')
    await runPipelines([intents, scenarios], ctx())
  })

  it('replay: counts add up and conversion of matched vs unmatched is as computed by hand', async () => {
    const {compiled} = await loadCompiledScenarios(ctx())
    const r = await replayScenarios(store, compiled)
    // non-bot sessions s1 s2 s3 s4 s5 s7; matched s1..s4; converted: s1 (v1 ordered later), s2 (lead later), s5 (lead in session), s7 (order in session)
    expect(r.sessions).toBe(6)
    expect(r.matched).toEqual({sessions: 4, converted: 2, conversion: 0.5})
    expect(r.unmatched).toEqual({sessions: 2, converted: 2, conversion: 1})
    expect(r.matched.sessions + r.unmatched.sessions).toBe(r.sessions)
    expect(r.lift).toBe(0.5)
    const card = r.byScenario.find((s) => s.scenarioId === 'service-station-card')!
    expect(card).toMatchObject({sessions: 1, directives: 1, converted: 1, conversion: 1})
    expect(r.byScenario.reduce((s, x) => s + x.directives, 0)).toBe(Object.values(r.byAction).reduce((a, b) => a + b, 0))
    const ranged = await replayScenarios(store, compiled, {from: '2026-10-02', to: '2026-10-03'})
    expect(ranged.sessions).toBe(2)
    expect(ranged.matched.sessions + ranged.unmatched.sessions).toBe(2)
    const so = await store.all('select session_id, converted from session_outcomes order by session_id')
    expect(so.filter((x) => x.converted).map((x) => x.session_id)).toEqual(['s1', 's2', 's5', 's7'])
  })
})
