import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ingestFiles} from '../../src/ingest/service.js'
import {Store} from '../../src/store/store.js'
import {ccx, ROOT, tempDir} from '../helpers/cli.js'

// The four visitors of the story: ingest → `ccx run scenarios` (with its upstream: normalize → intents) → scenario_matches.
const tmp = tempDir('ccx-story-')
const db = join(tmp.path, 'story.duckdb')

beforeAll(async () => {
  const store = await Store.open(db)
  await ingestFiles(store, {source: 'probe', paths: [join(ROOT, 'fixtures/samples/story/probe_events.csv')]})
  await store.close()
  const run = await ccx(['run', 'scenarios', '--db', db, '--json'])
  expect(run.code, run.stderr).toBe(0)
})
afterAll(() => tmp.cleanup())

describe('story e2e', () => {
  it('gives each story visitor the expected intent and directive', async () => {
    const store = await Store.open(db, {readOnly: true})
    try {
      const rows = await store.all<{
        visitor_id: string
        intent: string
        scenario_id: string
        action_type: string
        resource_id: string
        route_kind: string | null
        route_target: string | null
      }>(
        `select s.visitor_id, m.intent, m.scenario_id, m.action_type, m.resource_id, m.route_kind, m.route_target
         from scenario_matches m join sessions s using (session_id) order by s.visitor_id`,
      )
      const by = Object.fromEntries(rows.map((r) => [r.visitor_id.replace('v-story-', ''), r]))
      expect(by.shenzhen).toMatchObject({intent: 'service_station', action_type: 'card', resource_id: 'repair_station-shenzhen-1'})
      expect(by.changsha).toMatchObject({
        intent: 'price_quote',
        action_type: 'invite',
        route_kind: 'local_partner',
        route_target: 'dealer-changsha-1',
      })
      expect(by.kunming).toMatchObject({
        intent: 'purchase',
        action_type: 'invite',
        route_kind: 'local_partner',
        route_target: 'partner-kunming-1',
      })
      expect(by.shenyang).toMatchObject({intent: 'store_locator', action_type: 'card', resource_id: 'store-shenyang-1'})
      expect(rows).toHaveLength(4)
    } finally {
      await store.close()
    }
  })

  it('replay counts add up to the sessions counted', async () => {
    const r = await ccx(['scenarios', 'replay', '--db', db, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const report = r.json()
    const store = await Store.open(db, {readOnly: true})
    const sessions = await store.scalar<number>('select count(*) from sessions where not is_bot')
    await store.close()
    expect(report.sessions).toBe(sessions)
    expect(report.matched.sessions + report.unmatched.sessions).toBe(report.sessions)
    expect(report.matched.sessions).toBe(4)
  })

  it('explains a stored session', async () => {
    const r = await ccx(['intent', 'explain', 'canon/v-story-shenzhen/1', '--db', db, '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json()).toMatchObject({
      input: {sessionId: 'canon/v-story-shenzhen/1', term: '佳能维修站'},
      decision: {intent: 'service_station', method: 'rule'},
    })
  })
})
