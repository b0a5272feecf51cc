import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {Store} from '../../src/store/store.js'
import {exitsReport} from '../../src/reports/marketing/exits.js'
import {buildMarketingMoreFixture} from '../helpers/marketing-more-fixture.js'

describe('exits report', () => {
  let store: Store
  beforeAll(async () => {
    store = await Store.open(':memory:')
    await buildMarketingMoreFixture(store)
  })
  afterAll(async () => store.close())

  it('finds the silent exits of each intent and their pages', async () => {
    const r = await exitsReport(store, {from: '2026-11-02', to: '2026-11-03'})
    // purchase S1 S2 S4 S7: only S7 made no contact and no conversion; support S3 S6: S6 silent
    // (a registration is not a contact); S8 has no intent
    expect(r.intents).toEqual([
      {intent: '(unclassified)', sessions: 1, silent_exits: 1, silent_share: 1},
      {intent: 'purchase', sessions: 4, silent_exits: 1, silent_share: 1 / 4},
      {intent: 'support', sessions: 2, silent_exits: 1, silent_share: 1 / 2},
    ])
    // exit rate: purchase sessions that viewed /p2 = S1 S4 S7 → 1/3; support sessions that viewed /p1 = S3 S6 → 1/2
    expect(r.pages).toEqual([
      {intent: '(unclassified)', exit_url: 'https://a.cn/p1', rank: 1, exits: 1, share_of_intent: 1, viewing_sessions: 1, exit_rate: 1},
      {intent: 'purchase', exit_url: 'https://a.cn/p2', rank: 1, exits: 1, share_of_intent: 1, viewing_sessions: 3, exit_rate: 1 / 3},
      {intent: 'support', exit_url: 'https://a.cn/p1', rank: 1, exits: 1, share_of_intent: 1, viewing_sessions: 2, exit_rate: 1 / 2},
    ])
  })

  it('filters one intent and one day', async () => {
    const r = await exitsReport(store, {from: '2026-11-02', to: '2026-11-02', intent: 'support'})
    // on 11-02 the only support session is S3, which left a message
    expect(r.intents).toEqual([{intent: 'support', sessions: 1, silent_exits: 0, silent_share: 0}])
    expect(r.pages).toEqual([])
  })

  it('filters with --where', async () => {
    // search sessions: S1 S2 S7 (purchase), S3 (support), S8 (unclassified) → silent S7 and S8
    const r = await exitsReport(store, {from: '2026-11-02', to: '2026-11-03', where: "s.medium = 'search'"})
    expect(r.intents.map((i) => [i.intent, i.sessions, i.silent_exits])).toEqual([
      ['(unclassified)', 1, 1],
      ['purchase', 3, 1],
      ['support', 1, 0],
    ])
  })
})
