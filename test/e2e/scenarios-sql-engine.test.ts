import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {loadConfig} from '../../src/config/load.js'
import {matchSessions} from '../../src/pipelines/scenarios/match.js'
import {loadCompiledScenarios} from '../../src/pipelines/scenarios/pipeline.js'
import {Store} from '../../src/store/store.js'
import {ccx, tempDir, GENERATED_SOURCES, ingestEach} from '../helpers/cli.js'

async function ok(args: string[]) {
  const r = await ccx(args, {timeoutMs: 600_000})
  expect(r.code, `ccx ${args.join(' ')}\n${r.stderr}`).toBe(0)
  return r.json()
}

type Row = {
  session_id: string
  scenario_id: string
  action_type: string
  message: string | null
  resource_id: string | null
  route: string | null
}

describe('scenarios in SQL fire what the engine fires, session by session', () => {
  it('on the demo data: every directive, with its message, resource and route', async () => {
    const dir = tempDir('ccx-scn-sql-')
    const data = join(dir.path, 'data')
    await ok(['fixtures', 'generate', '--out', data, '--visitors', '800', '--days', '10', '--seed', 'scn-sql', '--json'])
    const db = join(dir.path, 'ccx.duckdb')
    await ok(['sites', 'import', join(data, 'sites.json'), '--db', db, '--json'])
    await ingestEach(db, data, GENERATED_SOURCES)
    await ok(['run', '--db', db, '--json'])

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
      expect(sql.length).toBe(engine.length)
      expect(sorted(sql)).toEqual(sorted(engine))
      // the demo exercises what the SQL has to get right: several scenarios, resources looked up, routes
      expect(new Set(engine.map((r) => r.scenario_id)).size).toBeGreaterThan(2)
      expect(engine.filter((r) => r.resource_id !== null).length).toBeGreaterThan(0)
      expect(engine.filter((r) => r.route !== null).length).toBeGreaterThan(0)
    } finally {
      await store.close()
      dir.cleanup()
    }
  }, 600_000)
})
