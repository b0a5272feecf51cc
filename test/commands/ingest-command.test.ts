import {copyFileSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ccx, ROOT, tempDir} from '../helpers/cli.js'

const SAMPLES = join(ROOT, 'fixtures/samples')
let dir: {path: string; cleanup: () => void}
beforeAll(() => {
  dir = tempDir('ccx-cmd-ingest-')
})
afterAll(() => dir.cleanup())

describe('ccx ingest flags', () => {
  it('rejects an unknown source, a malformed --map, an unknown mapped field and a bad --max-bad', async () => {
    const db = join(dir.path, 'a.duckdb')
    const csv = join(SAMPLES, 'calls.csv')
    const unknown = await ccx(['ingest', 'visits', csv, '--db', db])
    expect(unknown.code).toBe(2)
    const badMap = await ccx(['ingest', 'calls', csv, '--map', 'call_id', '--db', db])
    expect(badMap.code).toBe(2)
    expect(badMap.stderr).toMatch(/"call_id" is not field=column/)
    const badField = await ccx(['ingest', 'calls', csv, '--map', 'callid=CallID', '--db', db])
    expect(badField.code).toBe(2)
    expect(badField.stderr).toMatch(/"callid" is not a calls field/)
    const badShare = await ccx(['ingest', 'calls', csv, '--max-bad', 'lots', '--db', db])
    expect(badShare.code).toBe(2)
  })

  it('summary on stderr, nothing on stdout; --json prints the result; config ingest.maxBad sets the threshold', async () => {
    const db = join(dir.path, 'b.duckdb')
    const human = await ccx(['ingest', 'calls', join(SAMPLES, 'calls.csv'), '--db', db])
    expect(human.code).toBe(0)
    expect(human.stdout).toBe('')
    expect(human.stderr).toMatch(/calls\.csv\s+csv\s+utf-8\s+12\s+12\s+0\s+0/)
    const json = await ccx(['ingest', 'transcripts', join(SAMPLES, 'transcripts.csv'), '--db', db, '--json'])
    expect(json.code).toBe(0)
    expect(json.stderr).toBe('')
    expect(json.json()).toMatchObject({
      source: 'transcripts',
      totals: {read: 20, loaded: 20, duplicate: 0, quarantined: 0},
      badShare: 0,
      tooManyBad: false,
    })

    const config = join(dir.path, 'ccx.config.json')
    writeFileSync(config, JSON.stringify({ingest: {maxBad: 0.3}}))
    const broken = join(SAMPLES, 'broken/probe_broken.csv')
    const lenient = await ccx(['ingest', 'probe', broken, '--db', join(dir.path, 'c.duckdb'), '--config', config, '--json'])
    expect(lenient.code).toBe(0)
    expect(lenient.json()).toMatchObject({maxBad: 0.3, tooManyBad: false})
    const strict = await ccx([
      'ingest',
      'probe',
      broken,
      '--db',
      join(dir.path, 'd.duckdb'),
      '--config',
      config,
      '--max-bad',
      '1%',
      '--json',
    ])
    expect(strict.code).toBe(3)
    expect(strict.json()).toMatchObject({maxBad: 0.01, tooManyBad: true, totals: {read: 38, quarantined: 8}})
  })

  it('--from-log loads the closed segments of ccx serve, not the open one; none is not an error', async () => {
    const seg = join(dir.path, 'segments')
    mkdirSync(seg)
    copyFileSync(join(SAMPLES, 'broken/probe_broken.ndjson'), join(seg, 'seg-1-1-00000001.ndjson'))
    copyFileSync(join(SAMPLES, 'broken/probe_broken.ndjson'), join(seg, 'seg-1-1-00000002.ndjson.open'))
    const db = join(dir.path, 'seg.duckdb')
    const r = await ccx(['ingest', 'probe', '--from-log', seg, '--db', db, '--json', '--max-bad', '50%'])
    expect(r.code).toBe(0)
    expect(r.json().files.map((f: any) => f.file.split('/').pop())).toEqual(['seg-1-1-00000001.ndjson'])
    expect(r.json().totals).toEqual({read: 21, loaded: 14, duplicate: 1, quarantined: 6, filtered: 0, flagged: 0})
    const none = await ccx(['ingest', 'probe', '--from-log', join(dir.path, 'no-segments'), '--db', db, '--json'])
    expect(none.code).toBe(0)
    expect(none.json().files).toEqual([])
  })
})
