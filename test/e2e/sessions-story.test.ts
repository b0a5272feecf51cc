import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {Store} from '../../src/store/store.js'
import {ROOT, ccx, tempDir} from '../helpers/cli.js'

// ingest the story probe log → ccx run → the four story visitors' sessions, as a user would get them.
describe('story: ccx ingest probe → ccx run → sessions', () => {
  const dir = tempDir()
  afterAll(() => dir.cleanup())

  it('attributes, numbers and locates the four story visitors', async () => {
    const db = join(dir.path, 'story.duckdb')
    const ingest = await ccx(['ingest', 'probe', join(ROOT, 'fixtures/samples/story/probe_events.csv'), '--db', db, '--json'])
    expect(ingest.code, ingest.stderr).toBe(0)
    const run = await ccx(['run', 'normalize', '--db', db, '--json'], {cwd: dir.path})
    expect(run.code, run.stderr).toBe(0)
    expect(run.json().outcomes.find((o: any) => o.pipeline === 'normalize').status).toBe('ran')

    const store = await Store.open(db, {readOnly: true})
    try {
      const rows = await store.all(
        `select visitor_id, source, term, visit_number, city from sessions s
         where started_at = (select max(started_at) from sessions t where t.visitor_id = s.visitor_id) order by visitor_id`,
      )
      expect(rows).toEqual([
        {visitor_id: 'v-story-changsha', source: 'Google', term: '佳能传真机报价', visit_number: 3, city: '长沙市'},
        {visitor_id: 'v-story-kunming', source: 'Sogou', term: '买佳能数码相机', visit_number: 1, city: '昆明市'},
        {visitor_id: 'v-story-shenyang', source: 'Google', term: '佳能专卖店', visit_number: 1, city: '沈阳市'},
        {visitor_id: 'v-story-shenzhen', source: 'Baidu', term: '佳能维修站', visit_number: 1, city: '深圳市'},
      ])
      expect(await store.scalar(`select dwell_s from events where event_id = 'v-story-kunming.1'`)).toBe(120)
    } finally {
      await store.close()
    }
  })
})
