import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {EXIT} from '../../src/errors.js'
import {compileExpression} from '../../src/ingest/expressions.js'
import {parseQueueLogLine, queueLogToRecords, type QueueLogEvent} from '../../src/ingest/formats/queue-log.js'
import {checkMapping, emptyMapping, readMapFile} from '../../src/ingest/mapping.js'
import {ingestFiles} from '../../src/ingest/service.js'
import {Store} from '../../src/store/store.js'
import {SOURCES} from '../../src/vocab/sources.js'
import {tempDir} from '../helpers/cli.js'

let store: Store
let dir: {path: string; cleanup: () => void}
beforeAll(async () => {
  store = await Store.open(':memory:')
  dir = tempDir('ccx-mapping-')
})
afterAll(async () => {
  await store.close()
  dir.cleanup()
})

const HEADER = ['vru+line', 'call_id', 'q_time', 'Outcome']
const compile = (expr: string) => compileExpression(store, expr, HEADER, {what: 'call_id', origin: 'bank.map.json:4', file: 'bank.tsv'})

describe('mapping expressions', () => {
  it('are parsed by DuckDB and rewritten to the loader`s columns; quoting is DuckDB`s own', async () => {
    const e = await compile(`"vru+line" || '-' || call_id`)
    expect(e).toEqual({sql: `(((c0 || '-') || c1))`, casts: [], columns: [0, 1], type: 'VARCHAR'})
    const cast = await compile('CAST(q_time AS INTEGER) + 1')
    expect(cast).toMatchObject({sql: '((TRY_CAST(c2 AS INTEGER) + 1))', type: 'INTEGER'})
    expect(cast.casts).toEqual([
      {failed: '(c2) is not null and (TRY_CAST(c2 AS INTEGER)) is null', value: '(c2)::VARCHAR', type: 'INTEGER'},
    ])
    expect((await compile('outcome')).columns).toEqual([3]) // identifiers are case-insensitive, as in DuckDB
  })
  it('every refusal names the field, the expression and the mapping file line (exit 6)', async () => {
    for (const [expr, why] of [
      ['call_id +', /not valid SQL/],
      ['call_id, q_time', /must be one expression/],
      ['(select 1)', /subqueries are not allowed/],
      ['count(call_id)', /count\(\) is not allowed/],
      ['row_number() over ()', /window functions are not allowed/],
      ['vru_line', /column "vru_line" is not in the header of bank.tsv/],
      ['t.call_id', /name columns without a table/],
      ["getenv('HOME')", /getenv\(\) is not allowed/],
      ['q_time + 1', /Cannot|No function matches/],
      ['1; drop table raw_calls', /must be one expression|not valid SQL/],
    ] as const) {
      const error = await compile(expr).catch((e) => e)
      expect(error, expr).toMatchObject({exit: EXIT.invalidConfig})
      expect(error.message, expr).toContain(`bank.map.json:4: call_id: expression ${JSON.stringify(expr)}`)
      expect(error.message, expr).toMatch(why)
    }
  })
})

describe('a cast in an expression that fails on one row', () => {
  it('quarantines that row with the value; the others load', async () => {
    const p = join(dir.path, 'holds.csv')
    writeFileSync(
      p,
      'call_id,direction,offered_at,h\nk1,inbound,2026-10-29 09:00:00,12\nk2,inbound,2026-10-29 09:01:00,abc\nk3,inbound,2026-10-29 09:02:00,\n',
    )
    const mapping = emptyMapping()
    mapping.fields.hold_s = {kind: 'expr', expr: 'CAST(h AS DOUBLE) / 2', origin: 'test'}
    const r = await ingestFiles(store, {source: 'calls', paths: [p], mapping, maxBad: 1})
    expect(r.totals).toMatchObject({read: 3, loaded: 2, quarantined: 1})
    expect(await store.all(`select line, field, value, reason from quarantine`)).toEqual([
      {line: 3, field: 'hold_s', value: 'abc', reason: 'bad_number: hold_s "abc" does not convert to DOUBLE in the mapping expression'},
    ])
    expect(await store.all(`select call_id, hold_s from raw_calls order by call_id`)).toEqual([
      {call_id: 'k1', hold_s: 6},
      {call_id: 'k3', hold_s: null},
    ])
  })
})

describe('mapping files', () => {
  const file = (name: string, text: string) => {
    const p = join(dir.path, name)
    writeFileSync(p, text)
    return p
  }
  it('read every form: column, null, expression, constant, date + time (one or several columns), nulls, value maps, $skip, $ts_format', () => {
    const p = file(
      'all.json',
      JSON.stringify(
        {
          $comment: 'x',
          $nulls: ['0:00:00'],
          $ts_format: '%d/%m/%Y %H:%M',
          $skip: {phantom: "outcome = 'PHANTOM'"},
          queue: 'type',
          outcome: null,
          call_id: {expr: 'a || b'},
          direction: {const: 'inbound'},
          ended_at: {date: 'date', time: ['ser_exit', 'q_exit'], date_format: '%y%m%d', after: 'offered_at'},
          disposition: {column: 'outcome', values: {AGENT: 'answered', X: null}},
          customer_id: {column: 'customer_id', nulls: ['0']},
        },
        null,
        2,
      ),
    )
    const m = readMapFile(p)
    expect(m.nulls).toEqual(['0:00:00'])
    expect(m.tsFormat).toBe('%d/%m/%Y %H:%M')
    expect(m.filters).toEqual([{name: 'phantom', where: "outcome = 'PHANTOM'", origin: `${p}:7`}])
    expect(m.fields.queue).toMatchObject({kind: 'column', column: 'type', origin: `${p}:10`})
    expect(m.fields.outcome).toMatchObject({kind: 'none', origin: `${p}:11`})
    expect(m.fields.ended_at).toMatchObject({
      kind: 'datetime',
      date: ['date'],
      time: ['ser_exit', 'q_exit'],
      dateFormat: '%y%m%d',
      after: 'offered_at',
    })
    expect(m.fields.disposition).toMatchObject({kind: 'column', values: {AGENT: 'answered', X: null}})
    expect(() => checkMapping(m, SOURCES.calls)).not.toThrow()
  })
  it('refuse with the file, line and field: bad JSON, unknown field or key, a value outside the vocabulary, a bad format', () => {
    for (const [name, text, msg] of [
      ['json.json', '{\n  "call_id": "a",\n  "x" "b"\n}', /json.json:3 is not valid JSON/],
      ['key.json', '{\n  "call_id": {"column": "a", "colum": "b"}\n}', /key.json:2: "call_id": unknown key colum/],
      [
        'two.json',
        '{\n  "call_id": {"column": "a", "expr": "b"}\n}',
        /two.json:2: "call_id" needs exactly one of column, expr, const or date\+time/,
      ],
    ] as const) {
      expect(() => readMapFile(file(name, text))).toThrow(msg)
    }
    const unknown = readMapFile(file('unknown.json', '{\n  "call_ids": "a"\n}'))
    expect(() => checkMapping(unknown, SOURCES.calls)).toThrow(/unknown.json:2: "call_ids" is not a calls field/)
    const vocab = readMapFile(file('vocab.json', '{\n  "disposition": {"column": "o", "values": {"HANG": "abandonned"}}\n}'))
    expect(() => checkMapping(vocab, SOURCES.calls)).toThrow(
      /vocab.json:2: disposition: value map "HANG" → "abandonned" is not a call disposition/,
    )
    const ts = readMapFile(file('ts.json', '{\n  "offered_at": {"column": "t", "format": "dd/mm/yyyy"}\n}'))
    expect(() => checkMapping(ts, SOURCES.calls)).toThrow(/ts.json:2: offered_at: timestamp format "dd\/mm\/yyyy"/)
    try {
      checkMapping(unknown, SOURCES.calls)
    } catch (error) {
      expect(error).toMatchObject({exit: EXIT.invalidConfig})
    }
  })
})

describe('queue_log events', () => {
  const events = (lines: string[]): QueueLogEvent[] =>
    lines.map((l, i) => parseQueueLogLine(l, i + 1)).filter((e): e is QueueLogEvent => e !== null && !('bad' in e))
  it('a call entering a second queue is a second call; a member paused in every queue is on a break', () => {
    const r = queueLogToRecords(
      events([
        '100|NONE|sales|SIP/7|ADDMEMBER|',
        '100|NONE|support|SIP/7|ADDMEMBER|',
        '110|c1|sales|NONE|ENTERQUEUE||555|1',
        '115|c1|sales|SIP/7|CONNECT|5|x|1',
        '140|c1|sales|SIP/7|BLINDTRANSFER|300|default|5|25|1',
        '141|c1|support|NONE|ENTERQUEUE||555|1',
        '150|c1|support|NONE|EXITWITHKEY|1|1|1|9',
        '160|NONE|sales|SIP/7|PAUSE|coffee',
        '170|NONE|support|SIP/7|PAUSE|coffee',
        '200|NONE|NONE|SIP/7|UNPAUSEALL|',
        '230|NONE|sales|SIP/7|REMOVEMEMBER|',
        '240|NONE|support|SIP/7|REMOVEMEMBER|',
      ]),
    )
    expect(r.calls.map((c) => [c.call_id, c.queue, c.answered_at, c.ended_at, c.disposition])).toEqual([
      ['c1', 'sales', 115, 140, 'answered'],
      ['c1#2', 'support', null, 150, 'abandoned'],
    ])
    // available 100–115, talk 115–140, available 140–170 (paused in sales only at 160), break 170–200, available 200–240
    expect(r.states.map((s) => [s.state, s.started_at, s.ended_at])).toEqual([
      ['available', 100, 115],
      ['talk', 115, 140],
      ['available', 140, 170],
      ['break', 170, 200],
      ['available', 200, 240],
    ])
    expect(r.inProgress).toBe(0)
  })
  it('names what is wrong with a line that is not an event', () => {
    expect(parseQueueLogLine('hello', 3)).toEqual({
      bad: 'bad_log_line: 1 fields, a queue_log line has at least 5 (epoch|callid|queue|agent|event)',
    })
    expect(parseQueueLogLine('soon|c|q|a|ENTERQUEUE', 3)).toEqual({bad: 'bad_timestamp: "soon" is not a UNIX time (seconds)'})
    expect(parseQueueLogLine('', 3)).toBeNull()
  })
})
