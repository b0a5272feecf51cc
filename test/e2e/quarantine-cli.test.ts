import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ccx, ROOT, tempDir} from '../helpers/cli.js'

const BROKEN = join(ROOT, 'fixtures/samples/broken')
/** Several CLI runs each: generous on a busy 2-core machine (each step waits for its process to exit). */
const HEAVY = 300_000
let dir: {path: string; cleanup: () => void}
beforeAll(() => {
  dir = tempDir('ccx-e2e-quarantine-')
})
afterAll(() => dir.cleanup())

describe('ccx quarantine', () => {
  it('lists loads with their reasons, shows rows with what to try, exports them; never creates a database', {timeout: HEAVY}, async () => {
    const db = join(dir.path, 'q.duckdb')
    const missing = await ccx(['quarantine', 'list', '--db', db])
    expect(missing.code).toBe(5)
    expect(missing.stderr).toMatch(/database not found/)
    expect(existsSync(db)).toBe(false)

    const ingest = await ccx(['ingest', 'probe', BROKEN, '--db', db, '--json'])
    expect(ingest.code).toBe(3)
    // the summary lists the top reasons with the first line, the value and a hint (fixtures/samples/broken/README.md)
    const reasons = ingest.json().reasons
    expect(reasons[0]).toMatchObject({code: 'unknown_event_type', field: 'type', count: 3, value: 'warp'})
    expect(reasons[0].hint).toMatch(/"values": \{"warp": "pageview"\}/)

    const list = (await ccx(['quarantine', 'list', '--db', db, '--json'])).json().loads
    expect(list.map((l: {file: string; rows: number}) => [l.file.split('/').pop(), l.rows])).toEqual([
      ['probe_broken.ndjson', 6],
      ['probe_broken.csv', 8],
      ['probe_broken.access.log', 2],
    ])
    const csvLoad = list.find((l: {file: string}) => l.file.endsWith('.csv'))
    expect(csvLoad.reasons).toContainEqual({code: 'missing_value', count: 2})

    const show = (await ccx(['quarantine', 'show', String(csvLoad.ingestId), '--reason', 'bad_timestamp', '--db', db, '--json'])).json()
      .rows
    expect(show).toEqual([
      expect.objectContaining({
        line: 23,
        field: 'ts',
        value: '29/10/2026 10h32',
        reason: expect.stringMatching(/^bad_timestamp: ts "29\/10\/2026 10h32"/),
      }),
    ])
    expect(show[0].raw).toMatch(/^b-22,29\/10\/2026 10h32,canon/)
    expect(show[0].hint).toMatch(/--ts-format/)
    const text = await ccx(['quarantine', 'show', 'probe_broken.csv', '--db', db, '--limit', '2'])
    expect(text.stdout).toMatch(/probe_broken.csv:22 {2}title {2}wrong_column_count/)

    const out = join(dir.path, 'bad.csv')
    const exported = await ccx(['quarantine', 'export', 'ndjson', '--out', out, '--db', db, '--json'])
    expect(exported.json()).toEqual({out, rows: 6})
    const lines = readFileSync(out, 'utf8').trim().split('\n')
    expect(lines[0]).toBe('ingest_id,source,file,line,field,code,reason,value,raw,quarantined_at')
    expect(lines).toHaveLength(7)
    const bad = await ccx(['quarantine', 'export', '--out', join(dir.path, 'bad.xlsx'), '--db', db])
    expect(bad.code).toBe(2)
  })
})
