import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {loadConfig} from '../../src/config/load.js'
import telesales from '../../src/pipelines/telesales/pipeline.js'
import {runPipelines} from '../../src/pipelines/runner.js'
import {Store} from '../../src/store/store.js'
import {loadAnalysisCalls, loadCallsToClose} from '../../src/telesales/load.js'
import {callsToCloseSummary} from '../../src/reports/telesales/stats.js'
import {tempDir} from '../helpers/cli.js'

describe('telesales pipeline on DuckDB', () => {
  let store: Store
  const dir = tempDir()
  beforeAll(async () => {
    store = await Store.open(':memory:')
    // Customer X needs 3 calls, Y buys on the first, Z never buys.
    await store.run(`insert into raw_calls (call_id, direction, agent_id, customer_id, offered_at, outcome, campaign, site, ingest_id) values
      ('c1', 'outbound', 'A1', 'X', '2026-03-01 09:00:00', 'no_sale', 'spring', 's', 0),
      ('c2', 'outbound', 'A1', 'X', '2026-03-02 09:00:00', 'callback', 'spring', 's', 0),
      ('c3', 'outbound', 'A2', 'X', '2026-03-03 09:00:00', 'sale', 'spring', 's', 0),
      ('c4', 'outbound', 'A2', 'X', '2026-03-04 09:00:00', 'sale', 'spring', 's', 0),
      ('c5', 'outbound', 'A2', 'Y', '2026-03-01 10:00:00', 'sale', 'camera', 's', 0),
      ('c6', 'outbound', 'A1', 'Z', '2026-03-01 11:00:00', 'no_sale', 'camera', 's', 0)`)
    await store.run(`insert into raw_transcript_turns (call_id, turn_no, speaker, start_ms, end_ms, text, confidence, ingest_id) values
      ('c3', 1, 'agent', 0, 2000, '您好，这里是佳能官方客户服务中心', 0.9, 0),
      ('c3', 2, 'customer', 2100, 3000, '喂，你好', 0.9, 0),
      ('c3', 3, 'agent', 3100, 6000, '价格方面您算一下，每张的打印成本比您现在低一半', 0.9, 0),
      ('c3', 4, 'agent', 6100, 9000, '那我现在就帮您登记一台，您看寄到哪个地址方便', 0.9, 0),
      ('c3', 5, 'agent', 9100, 12000, '好的，您的订单已经提交成功，订单号稍后短信发给您', 0.9, 0),
      ('c6', 1, 'agent', 0, 2000, 'Hello, this is the official Canon customer centre', 0.9, 0),
      ('c6', 2, 'agent', 2100, 5000, 'I will call you again tomorrow, please think it over', 0.9, 0)`)
    await store.bumpTableVersion('raw_calls')
    await store.bumpTableVersion('raw_transcript_turns')
  })
  afterAll(async () => {
    await store.close()
    dir.cleanup()
  })

  it('writes stage runs, hits and the per-call summary; skips when nothing changed', async () => {
    const ctx = {store, config: loadConfig(undefined, dir.path), log: () => {}}
    const [first] = await runPipelines([telesales], ctx)
    expect(first.status).toBe('ran')
    const stages = await store.all(
      `select stage, first_turn, last_turn, start_ms, end_ms, turns, agent_turns from call_stages where call_id = 'c3' order by seq`,
    )
    expect(stages).toEqual([
      {stage: 'greeting', first_turn: 1, last_turn: 2, start_ms: 0, end_ms: 3000, turns: 2, agent_turns: 1},
      {stage: 'objection', first_turn: 3, last_turn: 3, start_ms: 3100, end_ms: 6000, turns: 1, agent_turns: 1},
      {stage: 'closing', first_turn: 4, last_turn: 5, start_ms: 6100, end_ms: 12000, turns: 2, agent_turns: 2},
    ])
    const hits = await store.all(`select call_id, script_id, turn_no, offset_ms, consequence from script_hits order by call_id, turn_no`)
    expect(hits).toEqual([
      {call_id: 'c3', script_id: 'greet_company', turn_no: 1, offset_ms: 0, consequence: false},
      {call_id: 'c3', script_id: 'obj_price_value', turn_no: 3, offset_ms: 3100, consequence: false},
      {call_id: 'c3', script_id: 'close_assumptive', turn_no: 4, offset_ms: 6100, consequence: false},
      {call_id: 'c3', script_id: 'close_order_confirm', turn_no: 5, offset_ms: 9100, consequence: true},
      {call_id: 'c6', script_id: 'greet_company', turn_no: 1, offset_ms: 0, consequence: false},
      {call_id: 'c6', script_id: 'close_followup', turn_no: 2, offset_ms: 2100, consequence: false},
    ])
    const summary = await store.all(
      `select call_id, success, turns, stage_path, stages_reached, scripts_hit, hits from call_script_summary order by call_id`,
    )
    expect(summary).toEqual([
      {call_id: 'c3', success: true, turns: 5, stage_path: 'greeting>objection>closing', stages_reached: 3, scripts_hit: 3, hits: 4},
      {call_id: 'c6', success: false, turns: 2, stage_path: 'greeting>closing', stages_reached: 2, scripts_hit: 2, hits: 2},
    ])
    const calls = await loadAnalysisCalls(store, {campaign: 'camera'})
    expect(calls).toEqual([
      {
        callId: 'c6',
        agentId: 'A1',
        campaign: 'camera',
        success: false,
        scripts: ['close_followup', 'greet_company'],
        stages: ['closing', 'greeting'],
      },
    ])
    const [second] = await runPipelines([telesales], ctx)
    expect(second.status).toBe('skipped')
  })

  it('calls to close: calls up to and including the first sale, per customer', async () => {
    const ctc = await loadCallsToClose(store)
    expect(ctc.histogram).toEqual([
      {calls: 1, customers: 1},
      {calls: 3, customers: 1},
    ])
    expect(ctc.customersWithoutSale).toBe(1)
    expect(callsToCloseSummary(ctc.histogram).median).toBe(2)
    // Filters apply to the calls counted: from March 2 on, X closes on its 2nd call in range.
    expect((await loadCallsToClose(store, {from: '2026-03-02'})).histogram).toEqual([{calls: 2, customers: 1}])
  })
})
