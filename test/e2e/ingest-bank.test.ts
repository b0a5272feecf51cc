import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {Store} from '../../src/store/store.js'
import {ccx, ROOT, tempDir} from '../helpers/cli.js'

/**
 * A bank call center's export in the layout of the public "Anonymous Bank" data (Technion, Guedj & Mandelbaum):
 * tab-separated, CRLF, `date` as yymmdd and hh:mm:ss times, 0:00:00 = no value, call ids unique per voice-menu line
 * only, outcome AGENT / HANG / PHANTOM, customer_id 0 = anonymous, no direction column. 44 rows written by hand
 * (fixtures/samples/bank/README.md lists them); the KPIs below are worked out by hand from those rows.
 */
const BANK = join(ROOT, 'fixtures/samples/bank/anonymous_bank.tsv')
const MAP = join(ROOT, 'fixtures/samples/bank/anonymous_bank.map.json')
/** Several CLI runs each: generous on a busy 2-core machine (each step waits for its process to exit). */
const HEAVY = 300_000
let dir: {path: string; cleanup: () => void}
beforeAll(() => {
  dir = tempDir('ccx-e2e-bank-')
})
afterAll(() => dir.cleanup())

/** oclif wraps long error messages with ` ›   ` at each line start. */
const oneLine = (s: string) => s.replace(/\s*\n\s*›\s*/g, ' ')

async function query<T extends Record<string, unknown>>(db: string, sql: string): Promise<T[]> {
  const store = await Store.open(db, {readOnly: true})
  try {
    return await store.all<T>(sql)
  } finally {
    await store.close()
  }
}

describe('a bank export loads with a mapping file alone', () => {
  it(
    'dry run writes nothing; the load gives the hand-computed service KPIs; midnight crossings and clock skew are handled',
    {timeout: HEAVY},
    async () => {
      const db = join(dir.path, 'bank.duckdb')
      const dry = await ccx(['ingest', 'calls', BANK, '--map-file', MAP, '--db', db, '--dry-run', '--json'])
      expect(dry.code).toBe(0)
      expect(existsSync(db)).toBe(false)
      const preview = dry.json().files[0].preview
      expect(Object.fromEntries(preview.fields.map((f: {field: string; how: string}) => [f.field, f.how]))).toMatchObject({
        call_id: 'expression',
        direction: 'constant',
        offered_at: 'date + time',
        disposition: 'mapped column',
        outcome: 'not mapped',
        phone: 'absent',
      })
      expect(preview.rows[0]).toMatchObject({call_id: 'AA0101-33116', direction: 'inbound', queue: 'PS', disposition: 'answered'})

      const r = await ccx(['ingest', 'calls', BANK, '--map-file', MAP, '--db', db, '--json'])
      expect(r.code).toBe(0)
      const file = r.json().files[0]
      // 44 rows: 2 PHANTOM and 4 that never left the voice menu (q_start 0:00:00) are filtered, 38 calls load;
      // 3 were answered a second before they were queued and 1 ended before it was answered (clock skew): flagged.
      expect(file).toMatchObject({read: 44, loaded: 38, duplicate: 0, quarantined: 0, filtered: 6, flagged: 4, status: 'loaded'})
      expect(file.filters).toEqual({'phantom calls (outcome PHANTOM)': 2, 'left in the voice menu (never queued)': 4})

      const rows = await query<{call_id: string; o: string; a: string; e: string; quality: string | null}>(
        db,
        `select call_id, strftime(offered_at, '%Y-%m-%d %H:%M:%S') o, strftime(answered_at, '%Y-%m-%d %H:%M:%S') a, strftime(ended_at, '%Y-%m-%d %H:%M:%S') e, quality
       from raw_calls where call_id in ('AA0101-33407', 'AA0102-33408', 'AA0201-33116', 'AA0405-33304') order by call_id`,
      )
      expect(rows).toEqual([
        // queued 23:58:50, answered and ended after midnight: the next day
        {call_id: 'AA0101-33407', o: '1999-01-05 23:58:50', a: '1999-01-06 00:00:20', e: '1999-01-06 00:03:10', quality: null},
        // entered the voice menu at 23:59:55 (date 990105) and was queued at 00:00:05: the call starts on the 6th
        {call_id: 'AA0102-33408', o: '1999-01-06 00:00:05', a: '1999-01-06 00:00:35', e: '1999-01-06 00:04:05', quality: null},
        // the third call with id 33116 (another voice-menu line), answered a second before it was queued: 1 s of skew
        {
          call_id: 'AA0201-33116',
          o: '1999-01-05 07:45:39',
          a: '1999-01-05 07:45:38',
          e: '1999-01-05 07:48:10',
          quality: 'answer_before_offer',
        },
        {
          call_id: 'AA0405-33304',
          o: '1999-01-05 10:45:20',
          a: '1999-01-05 10:46:00',
          e: '1999-01-05 10:45:55',
          quality: 'end_before_answer',
        },
      ])
      expect((await query(db, `select count(*) n from raw_calls where customer_id is null`))[0]).toEqual({n: 8}) // customer_id 0

      const total = (await ccx(['report', 'service', '--refresh', '--db', db, '--by', 'total', '--json'])).json().total
      // offered 38 = 29 AGENT + 9 HANG in the queue. Waits of the 26 answered calls with a known wait (the 3 skewed
      // ones are left out): 12 0 37 4 50 20 21 10 0 90 33 15 40 60 8 0 18 90 15 0 40 90 30 20 0 30 = 733 s
      // → ASA 733 / 26 = 28.19 s. Within 20 s (≤ 20): 12 0 4 20 10 0 15 8 0 18 15 0 20 0 = 14 calls.
      // SL = 14 / (38 − 3 unknown) = 0.4; of answered 14 / 26; short abandons (< 5 s: 3 s and 4 s) = 2 →
      // SL ex-short 14 / (38 − 2 − 3) = 14 / 33. Talk of the 28 answered calls with a known talk time
      // (not the one that ended before its answer): sum 7011 s → AHT 7011 / 28 = 250.39 s (no hold or wrap columns).
      expect(total).toMatchObject({offered: 38, answered: 29, abandoned: 9, shortAbandoned: 2})
      expect(total.serviceLevel).toBeCloseTo(14 / 35, 10)
      expect(total.serviceLevelOfAnswered).toBeCloseTo(14 / 26, 10)
      expect(total.serviceLevelExShort).toBeCloseTo(14 / 33, 10)
      expect(total.abandonRate).toBeCloseTo(9 / 38, 10)
      expect(total.asaSeconds).toBeCloseTo(733 / 26, 10)
      expect(total.ahtSeconds).toBeCloseTo(7011 / 28, 10)
      // the export has no outcome the mapping can use: whether a call was resolved is unknown, not 100 %
      expect(total.resolutionRate).toBeNull()
      const days = (await ccx(['report', 'service', '--db', db, '--by', 'day', '--json'])).json().rows
      // the 6th: the call queued at 00:00:05 and 5 of the 6 rows dated 990106 (one never left the voice menu)
      expect(days.map((d: {group: string; offered: number}) => [d.group, d.offered])).toEqual([
        ['1999-01-05', 32],
        ['1999-01-06', 6],
      ])

      const again = await ccx(['ingest', 'calls', BANK, '--map-file', MAP, '--db', db])
      expect(again.code).toBe(0)
      expect(again.stderr).toMatch(/already ingested.*--replace/)

      // ccx report quality: the time-order flags, the filtered rows and the empty customer ids, per source and field
      const quality = (await ccx(['report', 'quality', '--db', db, '--json'])).json()
      expect(quality.sources).toHaveLength(1)
      expect(quality.sources[0]).toMatchObject({source: 'calls', rows: 38, read: 44, filtered: 6, quarantined: 0, flagged: 4})
      expect(quality.sources[0].flags).toEqual({answer_before_offer: 3, end_before_answer: 1})
      const customer = quality.sources[0].fields.find((f: {field: string}) => f.field === 'customer_id')
      expect(customer).toMatchObject({nulls: 8, outOfRange: 0})
      expect(customer.nullShare).toBeCloseTo(8 / 38, 12)
      expect(quality.findings).toEqual([
        'calls: 4 rows with a time-order flag (answer_before_offer 3, end_before_answer 1): left out of wait and handle times',
      ])
      const html = join(dir.path, 'report.html')
      const exported = await ccx(['export', 'report', '--db', db, '--out', html, '--json'])
      expect(exported.code).toBe(0)
      expect(exported.json().sections).toContainEqual(expect.objectContaining({source: 'service/quality', title: 'Data quality'}))
      expect(readFileSync(html, 'utf8')).toContain('answer_before_offer 3, end_before_answer 1')
    },
  )
})

describe('the same file mapped naively: errors or warnings, never a silent wrong figure', () => {
  const load = async (name: string, args: string[]) => {
    const db = join(dir.path, `${name}.duckdb`)
    const r = await ccx(['ingest', 'calls', BANK, '--db', db, ...args])
    return {r, db}
  }

  it('no direction column: the required field is named, nothing loads (exit 5)', {timeout: HEAVY}, async () => {
    const {r} = await load('nodir', ['--map', 'offered_at=q_start'])
    expect(r.code).toBe(5)
    expect(oneLine(r.stderr)).toMatch(/anonymous_bank.tsv: required field direction not found in the header/)
  })

  it(
    'times as timestamps, type as direction, outcome as disposition: every row refused with file, line, field and value; not ingested',
    {timeout: HEAVY},
    async () => {
      const {r, db} = await load('naive', [
        '--map',
        'call_id=call_id,offered_at=q_start,answered_at=ser_start,ended_at=ser_exit,direction=type,disposition=outcome',
        '--json',
      ])
      expect(r.code).toBe(3)
      const f = r.json().files[0]
      expect(f).toMatchObject({read: 44, loaded: 0, quarantined: 44, status: 'rejected'})
      // one reason per row, the first failing field: a time is not a timestamp
      expect(f.reasons[0]).toMatchObject({code: 'bad_timestamp', field: 'offered_at', count: 44, firstLine: 2, value: '7:02:18'})
      expect(f.reasons[0].hint).toMatch(/a time without a date: combine it with the date column/)
      expect((await query(db, `select status from ingest_files`))[0]).toEqual({status: 'rejected'})
      expect((await query(db, `select count(*) n from raw_calls`))[0]).toEqual({n: 0})
      // fixing the flags and running again loads it (the rejected attempt does not count as ingested)
      const fixed = await ccx(['ingest', 'calls', BANK, '--db', db, '--map-file', MAP, '--json'])
      expect(fixed.code).toBe(0)
      expect(fixed.json().files[0]).toMatchObject({loaded: 38, status: 'loaded'})
      expect((await query(db, `select count(*) n from quarantine`))[0]).toEqual({n: 0})
      // with the times combined, the next problem shows: the service codes are not a call direction
      const next = await ccx([
        'ingest',
        'calls',
        BANK,
        '--db',
        join(dir.path, 'naive2.duckdb'),
        '--map-file',
        MAP,
        '--map',
        'direction=type',
        '--json',
      ])
      expect(next.code).toBe(3)
      // 34 of the 38: the 4 internet-support calls (type IN) read as "in", a spelling of inbound
      expect(next.json().reasons[0]).toMatchObject({code: 'bad_value', field: 'direction', count: 34, firstLine: 2, value: 'PS'})
      expect(next.json().reasons[0].hint).toMatch(/"direction": \{"column": \.\.\., "values": \{"PS"/)
    },
  )

  it('--ts-format %H:%M:%S on time-only columns: 1900-01-01 is out of range, not loaded', {timeout: HEAVY}, async () => {
    const {r} = await load('tsformat', [
      '--map-file',
      MAP,
      '--map',
      'offered_at=q_start,answered_at=ser_start,ended_at=ser_exit',
      '--ts-format',
      '%H:%M:%S',
      '--json',
    ])
    expect(r.code).toBe(3)
    const reasons = r.json().reasons
    expect(reasons[0]).toMatchObject({code: 'out_of_range', field: 'offered_at', firstLine: 2, value: '1900-01-01 07:02:18'})
    expect(reasons[0].hint).toMatch(/1900-01-01/)
  })

  it(
    'the call id alone: calls of other voice-menu lines with the same id are quarantined as conflicting keys, with the line',
    {timeout: HEAVY},
    async () => {
      const {r} = await load('ids', ['--map-file', MAP, '--map', 'call_id=call_id', '--json'])
      expect(r.code).toBe(3)
      const f = r.json().files[0]
      // 33116 is the id of four calls (lines 2, 3, 8, 20): the first loads, the other three differ and are refused
      expect(f).toMatchObject({loaded: 35, quarantined: 3, filtered: 6})
      expect(r.json().reasons[0]).toMatchObject({code: 'conflicting_key', field: 'call_id', firstLine: 3, value: '33116'})
      expect(r.json().reasons[0].hint).toMatch(/composite key/)
    },
  )

  it('codes without a value map, and no row filters: refused with the code and what to map', {timeout: HEAVY}, async () => {
    const mapping = JSON.parse(readFileSync(MAP, 'utf8'))
    delete mapping.$skip
    const noskip = join(dir.path, 'noskip.map.json')
    writeFileSync(noskip, JSON.stringify(mapping))
    const {r} = await load('noskip', ['--map-file', noskip, '--json'])
    expect(r.code).toBe(3)
    const byCode = Object.fromEntries(r.json().reasons.map((x: {code: string; count: number}) => [x.code, x.count]))
    // 4 voice-menu rows have no queue time (offered_at is required); the PHANTOM outcome is not in the value map
    expect(byCode).toEqual({missing_value: 5, unmapped_value: 1})
    const unmapped = r.json().reasons.find((x: {code: string}) => x.code === 'unmapped_value')
    expect(unmapped).toMatchObject({field: 'disposition', value: 'PHANTOM', firstLine: 31})
    const plain = await load('plain-dispo', ['--map-file', MAP, '--map', 'disposition=outcome', '--json'])
    expect(plain.r.json().reasons[0]).toMatchObject({code: 'bad_value', field: 'disposition', value: 'AGENT'})
    expect(plain.r.json().reasons[0].hint).toMatch(/"values": \{"AGENT": "<value>"\}/)
  })

  it(
    'the file`s outcome column matched to ccx`s outcome by name: loaded with a warning naming its codes, not a silent 100 % resolution',
    {timeout: HEAVY},
    async () => {
      // everything mapped right except that the outcome column (AGENT / HANG) is neither used for disposition nor left out
      const mapping = JSON.parse(readFileSync(MAP, 'utf8'))
      delete mapping.disposition
      delete mapping.outcome
      const byName = join(dir.path, 'byname.map.json')
      writeFileSync(byName, JSON.stringify(mapping))
      const {r, db} = await load('byname', ['--map-file', byName, '--json'])
      expect(r.code).toBe(0)
      const f = r.json().files[0]
      expect(f).toMatchObject({loaded: 38, quarantined: 0})
      // 29 AGENT + 9 HANG rows (the PHANTOM ones are filtered): none is an outcome ccx knows
      const warning = f.notes.find((n: string) => n.startsWith('warning: 38 calls have an outcome'))
      expect(warning).toMatch(/AGENT 29, HANG 9/)
      expect(warning).toMatch(/resolved unless its outcome is unresolved or callback/)
      expect(warning).toMatch(/--map outcome=/)
      expect(warning).toMatch(/--replace/)
      // the warning is on stderr too, naming the file
      const text = await ccx(['ingest', 'calls', BANK, '--map-file', byName, '--db', join(dir.path, 'byname2.duckdb')])
      expect(oneLine(text.stderr)).toMatch(/anonymous_bank.tsv: warning: 38 calls have an outcome ccx does not know \(AGENT 29, HANG 9\)/)
      // leaving it out (as the warning says) gives an unknown resolution rate and no warning
      const fixed = await ccx(['ingest', 'calls', BANK, '--map-file', byName, '--map', 'outcome=', '--db', db, '--replace', '--json'])
      expect(fixed.code).toBe(0)
      expect(fixed.json().files[0].notes.join()).not.toMatch(/outcome ccx does not know/)
      const total = (await ccx(['report', 'service', '--refresh', '--db', db, '--by', 'total', '--json'])).json().total
      expect(total.resolutionRate).toBeNull()
    },
  )
})
