import {appendFileSync, copyFileSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {Store} from '../../src/store/store.js'
import {ccx, ROOT, tempDir} from '../helpers/cli.js'

/**
 * Telephony logs read as they are (--format), on samples written by hand from each format's documentation
 * (fixtures/samples/telephony/README.md). Times: epoch 1793322000 = 2026-10-30 01:00:00 UTC = 09:00:00 in Asia/Shanghai.
 */
const T = join(ROOT, 'fixtures/samples/telephony')
/** Several CLI runs each: generous on a busy 2-core machine (each step waits for its process to exit). */
const HEAVY = 300_000
let dir: {path: string; cleanup: () => void}
beforeAll(() => {
  dir = tempDir('ccx-e2e-tel-')
})
afterAll(() => dir.cleanup())

async function query<T extends Record<string, unknown>>(db: string, sql: string): Promise<T[]> {
  const store = await Store.open(db, {readOnly: true})
  try {
    return await store.all<T>(sql)
  } finally {
    await store.close()
  }
}
const total = async (db: string) => (await ccx(['report', 'service', '--refresh', '--db', db, '--by', 'total', '--json'])).json().total

describe('Asterisk queue_log', () => {
  it(
    'gives calls, KPIs and occupancy; appending lines and ingesting again adds exactly the new calls and states',
    {timeout: HEAVY},
    async () => {
      const db = join(dir.path, 'ql.duckdb')
      const log = join(dir.path, 'queue_log')
      copyFileSync(join(T, 'queue_log'), log)
      const first = await ccx(['ingest', 'calls', log, '--format', 'asterisk-queue-log', '--db', db, '--json'])
      expect(first.code).toBe(0)
      // 7 queue entries: 6 ended (4 answered, 1 ABANDON, 1 EXITWITHTIMEOUT), 1 still talking at the end of the file
      expect(first.json().files[0]).toMatchObject({
        read: 7,
        loaded: 6,
        filtered: 1,
        quarantined: 0,
        agentStates: {loaded: 12, duplicate: 0},
      })
      expect(first.json().files[0].filters).toEqual({'in progress (no end event yet)': 1})
      expect(
        await query(
          db,
          `select call_id, queue, agent_id, strftime(offered_at, '%H:%M:%S') o, strftime(answered_at, '%H:%M:%S') a,
        strftime(ended_at, '%H:%M:%S') e, disposition, phone_masked from raw_calls order by offered_at`,
        ),
      ).toEqual([
        {
          call_id: '1793322060.1',
          queue: 'support',
          agent_id: 'SIP/1001',
          o: '09:01:00',
          a: '09:01:12',
          e: '09:04:12',
          disposition: 'answered',
          phone_masked: '138****8000',
        },
        {
          call_id: '1793322120.3',
          queue: 'support',
          agent_id: 'SIP/1002',
          o: '09:02:00',
          a: '09:02:30',
          e: '09:06:30',
          disposition: 'answered',
          phone_masked: '139****9000',
        },
        {
          call_id: '1793322300.5',
          queue: 'support',
          agent_id: null,
          o: '09:05:00',
          a: null,
          e: '09:05:45',
          disposition: 'abandoned',
          phone_masked: '137****7000',
        },
        {
          call_id: '1793322420.6',
          queue: 'support',
          agent_id: 'SIP/1001',
          o: '09:07:00',
          a: '09:07:08',
          e: '09:09:08',
          disposition: 'answered',
          phone_masked: '136****6000',
        },
        {
          call_id: '1793322600.8',
          queue: 'support',
          agent_id: null,
          o: '09:10:00',
          a: null,
          e: '09:10:30',
          disposition: 'no_answer',
          phone_masked: '135****5000',
        },
        {
          call_id: '1793322720.9',
          queue: 'support',
          agent_id: 'SIP/1002',
          o: '09:12:00',
          a: '09:12:02',
          e: '09:14:02',
          disposition: 'answered',
          phone_masked: '134****4000',
        },
      ])
      // waits 12, 30, 8, 2 → ASA 13 s; within 20 s: 12, 8, 2 → SL 3/6; talk 180 + 240 + 120 (transfer) + 120 → AHT 165 s.
      // Agent states: SIP/1001 available 72 + 176 + 357 s, talk 180 + 120 s (the talk from 09:15:05 is still open);
      // SIP/1002 available 150 + 10 + 22 + 158 s, talk 240 + 120 s, paused 300 s (break, left out).
      // Occupancy = talk ÷ (talk + available) = 660 ÷ (660 + 605 + 340) = 660 / 1605.
      let t = await total(db)
      expect(t).toMatchObject({offered: 6, answered: 4, abandoned: 2, shortAbandoned: 0, asaSeconds: 13, ahtSeconds: 165})
      expect(t.serviceLevel).toBeCloseTo(3 / 6, 10)
      expect(t.occupancy).toBeCloseTo(660 / 1605, 10)

      appendFileSync(log, readFileSync(join(T, 'queue_log.more')))
      const grown = await ccx(['ingest', 'calls', log, '--format', 'asterisk-queue-log', '--db', db, '--json'])
      expect(grown.code).toBe(0)
      // the call in progress ends (wait 5, talk 120) and one more is answered (wait 10, talk 60); the 6 others repeat
      expect(grown.json().files[0]).toMatchObject({read: 8, loaded: 2, duplicate: 6, filtered: 0, agentStates: {loaded: 4, duplicate: 12}})
      expect(await query(db, `select count(*) n from raw_calls`)).toEqual([{n: 8}])
      // ASA (52 + 5 + 10) / 6; SL 5/8; AHT (660 + 120 + 60) / 6 = 140; SIP/1001 adds talk 120 + 60, available 85 + 30:
      // occupancy (660 + 180) ÷ (840 + 605 + 115 + 340) = 840 / 1900
      t = await total(db)
      expect(t).toMatchObject({offered: 8, answered: 6, abandoned: 2, ahtSeconds: 140})
      expect(t.asaSeconds).toBeCloseTo(67 / 6, 10)
      expect(t.serviceLevel).toBeCloseTo(5 / 8, 10)
      expect(t.occupancy).toBeCloseTo(840 / 1900, 10)
      const again = await ccx(['ingest', 'calls', log, '--format', 'asterisk-queue-log', '--db', db])
      expect(again.stderr).toMatch(/already ingested/)
    },
  )

  it('lines that are not queue_log events are quarantined with their line; the rest loads', {timeout: HEAVY}, async () => {
    const db = join(dir.path, 'ql-bad.duckdb')
    const log = join(dir.path, 'queue_log.bad')
    copyFileSync(join(T, 'queue_log'), log)
    appendFileSync(log, 'garbage line without pipes\nyesterday|1793323300.1|support|NONE|ENTERQUEUE||1|1\n')
    const r = await ccx(['ingest', 'calls', log, '--format', 'asterisk-queue-log', '--db', db, '--max-bad', '50%', '--json'])
    expect(r.code).toBe(0)
    expect(r.json().files[0]).toMatchObject({loaded: 6, quarantined: 2})
    expect(await query(db, `select line, split_part(reason, ':', 1) code from quarantine order by line`)).toEqual([
      {line: 26, code: 'bad_log_line'},
      {line: 27, code: 'bad_timestamp'},
    ])
  })
})

describe('CDRs', () => {
  it(
    'Asterisk Master.csv: headerless cdr_csv columns; the direction comes from an expression over dcontext',
    {timeout: HEAVY},
    async () => {
      const db = join(dir.path, 'cdr.duckdb')
      const noDirection = await ccx(['ingest', 'calls', join(T, 'Master.csv'), '--format', 'asterisk-cdr', '--db', db])
      expect(noDirection.code).toBe(5)
      expect(noDirection.stderr).toMatch(/asterisk-cdr records have no call direction/)
      const r = await ccx([
        'ingest',
        'calls',
        join(T, 'Master.csv'),
        '--format',
        'asterisk-cdr',
        '--map',
        "direction=(case when dcontext = 'from-internal' then 'outbound' else 'inbound' end)",
        '--db',
        db,
        '--json',
      ])
      expect(r.code).toBe(0)
      expect(r.json().files[0]).toMatchObject({read: 6, loaded: 6, quarantined: 0})
      expect(
        await query(
          db,
          `select call_id, direction, agent_id, disposition, answered_at is not null answered from raw_calls order by offered_at`,
        ),
      ).toEqual([
        {call_id: '1793322060.1', direction: 'inbound', agent_id: 'SIP/1001', disposition: 'answered', answered: true},
        {call_id: '1793322300.3', direction: 'inbound', agent_id: 'SIP/1002', disposition: 'no_answer', answered: false},
        {call_id: '1793322600.5', direction: 'outbound', agent_id: 'SIP/trunk', disposition: 'answered', answered: true},
        {call_id: '1793322900.7', direction: 'inbound', agent_id: 'SIP/1002', disposition: 'busy', answered: false},
        {call_id: '1793323200.9', direction: 'inbound', agent_id: 'SIP/1002', disposition: 'answered', answered: true},
        {call_id: '1793323800.11', direction: 'inbound', agent_id: null, disposition: 'failed', answered: false},
      ])
      // inbound: 5 offered, 2 answered (waits 9 and 4 s, talk 180 and 300 s), 3 unanswered; the outbound call is not demand
      const t = await total(db)
      expect(t).toMatchObject({offered: 5, answered: 2, abandoned: 3, asaSeconds: 6.5, ahtSeconds: 240})
      expect(t.serviceLevel).toBeCloseTo(2 / 5, 10)
    },
  )

  it('FreeSWITCH mod_cdr_csv (example template) and JSON CDRs (URL-encoded values)', {timeout: HEAVY}, async () => {
    const csvDb = join(dir.path, 'fs.duckdb')
    const r = await ccx([
      'ingest',
      'calls',
      join(T, 'freeswitch_cdr.csv'),
      '--format',
      'freeswitch-cdr',
      '--map',
      "direction=(case when context = 'public' then 'inbound' else 'outbound' end)",
      '--db',
      csvDb,
      '--json',
    ])
    expect(r.json().files[0]).toMatchObject({format: 'freeswitch-cdr', loaded: 5})
    expect(await query(csvDb, `select disposition, count(*) n from raw_calls group by 1 order by 1`)).toEqual([
      {disposition: 'abandoned', n: 1},
      {disposition: 'answered', n: 3},
      {disposition: 'no_answer', n: 1},
    ])
    // inbound (context public): 4 offered; answered after 6 and 25 s, talk 180 and 600 s
    const t = await total(csvDb)
    expect(t).toMatchObject({offered: 4, answered: 2, abandoned: 2, asaSeconds: 15.5, ahtSeconds: 390})
    expect(t.serviceLevel).toBeCloseTo(1 / 4, 10)

    const jsonDb = join(dir.path, 'fsj.duckdb')
    const j = await ccx([
      'ingest',
      'calls',
      join(T, 'freeswitch-json'),
      '--format',
      'freeswitch-cdr-json',
      '--map',
      "direction='inbound',agent_id=cc_agent,queue=cc_queue",
      '--db',
      jsonDb,
      '--json',
    ])
    expect(j.code).toBe(0)
    expect(j.json().totals).toMatchObject({read: 2, loaded: 2})
    expect(
      await query(jsonDb, `select queue, agent_id, strftime(offered_at, '%H:%M:%S') o, disposition from raw_calls order by offered_at`),
    ).toEqual([
      {queue: 'support@default', agent_id: '1001@default', o: '11:00:00', disposition: 'answered'},
      {queue: 'support@default', agent_id: null, o: '11:10:00', disposition: 'abandoned'},
    ])
    const tj = await total(jsonDb)
    expect(tj).toMatchObject({offered: 2, answered: 1, abandoned: 1, asaSeconds: 8, ahtSeconds: 300, serviceLevel: 0.5})
  })
})
