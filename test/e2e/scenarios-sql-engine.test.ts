import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {loadConfig} from '../../src/config/load.js'
import {matchSessions} from '../../src/pipelines/scenarios/match.js'
import {loadCompiledScenarios} from '../../src/pipelines/scenarios/pipeline.js'
import {Store} from '../../src/store/store.js'
import {ccxOk, GENERATED_SOURCES, ingestEach, tempDir} from '../helpers/cli.js'

const ok = async (args: string[], cwd?: string) => (await ccxOk(args, {timeoutMs: 600_000, cwd})).json()

type Row = {
  session_id: string
  scenario_id: string
  action_type: string
  message: string | null
  resource_id: string | null
  route: string | null
}

/**
 * A rule file that reads every context field the SQL prunes or decides apart: each text condition (place names without
 * 省/市, case-insensitive names, substrings), ranges with min and max, an hour range across midnight, the previous agent
 * (as a condition and as a route with no fallback), an optional resource, an `on` event (never in batch), a scenario with
 * two actions, and file limits tight enough to cut.
 */
const EVERY_CONDITION = {
  version: 1,
  limits: {perPageview: 2, perVisit: 3, perVisitor: 4},
  scenarios: [
    {
      id: 'place-text',
      priority: 90,
      when: {province: ['广东'], city: ['深圳', '广州']},
      actions: [{type: 'card', message: '{city}/{province}/{term}/{intent}/{nothing}'}],
      limits: {perVisit: 2},
    },
    {
      id: 'search-source',
      priority: 80,
      when: {source: ['baidu', 'SOGOU'], medium: ['Search'], termContains: ['佳能', '打印']},
      actions: [{type: 'lead_form', message: '找{term}？'}],
      limits: {perVisitor: 1},
    },
    {
      id: 'url-device',
      priority: 70,
      when: {urlContains: ['/STORES', 'service'], device: ['Mobile', 'tablet'], pages: {min: 2, max: 6}, dwellS: {max: 300}},
      actions: [{type: 'route', route: {kind: 'least_loaded', target: 'front-desk'}}],
    },
    {
      id: 'night-owl',
      priority: 60,
      when: {hour: {from: 20, to: 8}, visitNumber: {min: 1, max: 2}},
      actions: [
        {type: 'card', message: '{resource.name}（{resource.city}）', resource: {type: 'store', near: 'city'}, requireResource: false},
      ],
      limits: {perPageview: 1, perVisit: 1, perVisitor: 2},
    },
    {
      id: 'agent-back',
      priority: 50,
      when: {hasPreviousAgent: true},
      actions: [{type: 'route', route: {kind: 'previous_agent'}}],
      limits: {perVisit: 1},
    },
    {
      id: 'first-contact',
      priority: 40,
      when: {hasPreviousAgent: false, intent: ['support', 'purchase'], minConfidence: 0.3},
      actions: [
        {
          type: 'invite',
          message: '{resource.name} {resource.phone}',
          resource: {type: ['partner', 'dealer'], near: 'city-then-province', tier: 'gold'},
          route: {kind: 'local_partner', fallback: {kind: 'skill_group', target: 'sales'}},
        },
      ],
    },
    {id: 'on-exit', priority: 30, when: {on: ['exit_intent']}, actions: [{type: 'card', message: 'wait'}]},
    {
      id: 'anything',
      priority: 10,
      actions: [
        {type: 'card', message: 'hello {city}'},
        {type: 'lead_form', message: 'leave a number'},
      ],
      limits: {perPageview: 5, perVisit: 5, perVisitor: 5},
    },
  ],
}

describe('scenarios in SQL fire what the engine fires, session by session', () => {
  const dir = tempDir('ccx-scn-sql-')
  const db = join(dir.path, 'ccx.duckdb')
  beforeAll(async () => {
    const data = join(dir.path, 'data')
    await ok(['fixtures', 'generate', '--out', data, '--visitors', '800', '--days', '10', '--seed', 'scn-sql', '--json'])
    await ok(['sites', 'import', join(data, 'sites.json'), '--db', db, '--json'])
    await ingestEach(db, data, GENERATED_SOURCES)
  }, 600_000)
  afterAll(() => dir.cleanup())

  /** scenario_matches as the pipeline stored it, and the engine's directives, both sorted. */
  async function both() {
    const store = await Store.open(db)
    try {
      const sql = await store.all<Row>(
        `select session_id, scenario_id, action_type, message, resource_id, route_kind || ':' || route_target as route
         from scenario_matches`,
      )
      const {compiled} = await loadCompiledScenarios({config: loadConfig(undefined, dir.path)})
      const engine: Row[] = []
      for (const m of await matchSessions(store, compiled))
        for (const d of m.directives)
          engine.push({
            session_id: m.row.session_id,
            scenario_id: d.scenarioId,
            action_type: d.type,
            message: d.message ?? null,
            resource_id: d.resource?.id ?? null,
            route: d.route ? `${d.route.kind}:${d.route.target}` : null,
          })
      // scenario_matches keeps no order within a session (incremental runs append): compared as sorted lists
      const sorted = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).sort()
      // what the same rules would give without any limit
      const unlimited = await matchSessions(store, {
        ...compiled,
        limits: {},
        scenarios: compiled.scenarios.map((s) => ({...s, limits: {}})),
      })
      const withoutLimits = unlimited.reduce((n, m) => n + m.directives.length, 0)
      return {sql: sorted(sql), engine: sorted(engine), rows: engine, withoutLimits}
    } finally {
      await store.close()
    }
  }

  it('on the demo data: every directive, with its message, resource and route', async () => {
    await ok(['run', '--db', db, '--json'])
    const {sql, engine, rows} = await both()
    expect(sql.length).toBe(engine.length)
    expect(sql).toEqual(engine)
    // the demo exercises what the SQL has to get right: several scenarios, resources looked up, routes
    expect(new Set(rows.map((r) => r.scenario_id)).size).toBeGreaterThan(2)
    expect(rows.filter((r) => r.resource_id !== null).length).toBeGreaterThan(0)
    expect(rows.filter((r) => r.route !== null).length).toBeGreaterThan(0)
  }, 600_000)

  it('with rules that read every context field, and limits that cut', async () => {
    writeFileSync(join(dir.path, 'rules.json'), JSON.stringify(EVERY_CONDITION, null, 2))
    writeFileSync(join(dir.path, 'ccx.config.json'), JSON.stringify({files: {scenarios: 'rules.json'}}))
    await ok(['run', 'scenarios', '--db', db, '--json'], dir.path)
    const {sql, engine, rows, withoutLimits} = await both()
    expect(sql.length).toBe(engine.length)
    expect(sql).toEqual(engine)
    // each rule that can fire in batch did, so each field was read; `on` never fires without an event batch
    const fired = new Set(rows.map((r) => r.scenario_id))
    for (const s of EVERY_CONDITION.scenarios) expect(fired.has(s.id), s.id).toBe(s.id !== 'on-exit')
    expect(rows.some((r) => r.scenario_id === 'night-owl' && r.resource_id === null)).toBe(true)
    expect(rows.some((r) => r.scenario_id === 'night-owl' && r.resource_id !== null)).toBe(true)
    // the limits cut
    expect(withoutLimits).toBeGreaterThan(rows.length)
  }, 600_000)
})
