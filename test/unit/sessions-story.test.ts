import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ConfigSchema} from '../../src/config/schema.js'
import normalize from '../../src/pipelines/normalize/pipeline.js'
import {runPipelines} from '../../src/pipelines/runner.js'
import {Store} from '../../src/store/store.js'
import {sqlString} from '../../src/store/values.js'

// The four visitors of the design story (fixtures/samples/story), loaded with DuckDB's CSV reader.
const STORY = join(import.meta.dirname, '../../fixtures/samples/story/probe_events.csv')

describe('story visitors after normalize', () => {
  let store: Store
  beforeAll(async () => {
    store = await Store.open(':memory:')
    await store.run(`insert into raw_probe_events by name
      select *, 1 as ingest_id from read_csv(${sqlString(STORY)}, header = true, all_varchar = false, types = {'visit_count': 'INTEGER', 'props': 'VARCHAR', 'member_id': 'VARCHAR', 'selector': 'VARCHAR', 'directive_id': 'VARCHAR', 'ref_id': 'VARCHAR'})`)
    await store.bumpTableVersion('raw_probe_events')
    const outcomes = await runPipelines([normalize], {
      store,
      config: {config: ConfigSchema.parse({}), baseDir: process.cwd()},
      log: () => {},
    })
    expect(outcomes[0]!.status, outcomes[0]!.message).toBe('ran')
  })
  afterAll(async () => store.close())

  const last = (visitor: string) =>
    store.one(
      `select source, medium, term, visit_number, province, city from sessions where visitor_id = $v order by started_at desc limit 1`,
      {v: visitor},
    )

  it('Shenzhen: Baidu, GB2312 keyword 佳能维修站, 1st visit, 深圳市', async () => {
    expect(await last('v-story-shenzhen')).toEqual({
      source: 'Baidu',
      medium: 'search',
      term: '佳能维修站',
      visit_number: 1,
      province: '广东省',
      city: '深圳市',
    })
  })
  it('Changsha: Google 佳能传真机报价, 3rd visit, 长沙市', async () => {
    expect(await last('v-story-changsha')).toEqual({
      source: 'Google',
      medium: 'search',
      term: '佳能传真机报价',
      visit_number: 3,
      province: '湖南省',
      city: '长沙市',
    })
  })
  it('Kunming: Sogou 买佳能数码相机, 120 s on the camera page, 昆明市', async () => {
    expect(await last('v-story-kunming')).toEqual({
      source: 'Sogou',
      medium: 'search',
      term: '买佳能数码相机',
      visit_number: 1,
      province: '云南省',
      city: '昆明市',
    })
    // pageview 20:31:08, last heartbeat 20:33:08
    expect(await store.scalar(`select dwell_s from events where event_id = 'v-story-kunming.1'`)).toBe(120)
  })
  it('Shenyang: Google 佳能专卖店 (unescaped UTF-8 in the referrer), 沈阳市', async () => {
    expect(await last('v-story-shenyang')).toEqual({
      source: 'Google',
      medium: 'search',
      term: '佳能专卖店',
      visit_number: 1,
      province: '辽宁省',
      city: '沈阳市',
    })
  })
  it('Changsha’s second visit has two pages; its second page came from the site itself', async () => {
    const rows = await store.all(
      `select visit_number, pageviews, medium from sessions where visitor_id = 'v-story-changsha' order by started_at`,
    )
    expect(rows).toEqual([
      {visit_number: 1, pageviews: 1, medium: 'search'},
      {visit_number: 2, pageviews: 2, medium: 'direct'},
      {visit_number: 3, pageviews: 1, medium: 'search'},
    ])
  })
})
