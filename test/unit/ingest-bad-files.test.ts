import iconv from 'iconv-lite'
import {spawnSync} from 'node:child_process'
import {closeSync, existsSync, mkdirSync, openSync, symlinkSync, writeFileSync, ftruncateSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {EXIT} from '../../src/errors.js'
import {columnMapping} from '../../src/ingest/mapping.js'
import {ingestFiles} from '../../src/ingest/service.js'
import {fsError} from '../../src/ingest/sniff.js'
import {sweepStaleTempDirs} from '../../src/ingest/tmp.js'
import {Store} from '../../src/store/store.js'
import {tempDir} from '../helpers/cli.js'

/** The files of issue 14's "Also found when feeding ingest bad files" list: each loses or refuses good rows on the old code. */
let store: Store
let dir: {path: string; cleanup: () => void}
const file = (name: string, content: string | Buffer) => {
  const p = join(dir.path, name)
  writeFileSync(p, content)
  return p
}
const n = async (sql: string) => Number(await store.scalar(sql))

beforeEach(async () => {
  store = await Store.open(':memory:')
  dir = tempDir('ccx-bad-')
})
afterEach(async () => {
  await store.close()
  dir.cleanup()
})

const PH = 'event_id,ts,site,visitor_id,type,url'
const ev = (i: number) => `e${i},2026-10-29 10:00:${String(i % 60).padStart(2, '0')},canon,v${i},pageview,https://x.cn/${i}`
const CH = 'call_id,direction,offered_at,answered_at,ended_at,hold_s,csat'

describe('line endings and stray characters', () => {
  it('CRLF lines followed by LF lines (two exports concatenated): every row loads once, none glued', async () => {
    const text = [PH, ...[1, 2, 3].map(ev)].join('\r\n') + '\r\n' + [4, 5, 6].map(ev).join('\n') + '\n'
    const r = await ingestFiles(store, {source: 'probe', paths: [file('mixed.csv', text)]})
    expect(r.totals).toMatchObject({read: 6, loaded: 6, quarantined: 0})
    expect(r.files[0]!.notes.join()).toMatch(/mixed line endings \(4 CRLF, 3 LF\)/)
    expect(await n(`select count(distinct event_id) from raw_probe_events where event_id similar to 'e[0-9]'`)).toBe(6)
  })
  it('LF lines followed by CRLF lines: no good row quarantined', async () => {
    const text = [PH, ...[1, 2, 3].map(ev)].join('\n') + '\n' + [4, 5, 6].map(ev).join('\r\n') + '\r\n'
    const r = await ingestFiles(store, {source: 'probe', paths: [file('mixed2.csv', text)]})
    expect(r.totals).toMatchObject({read: 6, loaded: 6, quarantined: 0})
  })
  it('a stray CR inside a line is dropped and the row loads; the line numbers stay the file`s', async () => {
    const text =
      [PH, ev(1), 'e2,2026-10-29 10:00:02,canon,v2\r,pageview,https://x.cn/2', ev(3), 'e4,2026-10-29 10:00:04,canon,,pageview,u'].join(
        '\n',
      ) + '\n'
    const r = await ingestFiles(store, {source: 'probe', paths: [file('cr.csv', text)]})
    expect(r.totals).toMatchObject({read: 4, loaded: 3, quarantined: 1})
    expect(r.files[0]!.notes.join()).toMatch(/1 stray CR character inside lines removed \(first at line 3\)/)
    expect(await store.all(`select line, field from quarantine`)).toEqual([{line: 5, field: 'visitor_id'}])
    expect(await n(`select count(*) from raw_probe_events where visitor_id = 'v2'`)).toBe(1)
  })
  it('classic Mac line breaks (CR only) are read as lines', async () => {
    const r = await ingestFiles(store, {source: 'probe', paths: [file('mac.csv', [PH, ev(1), ev(2)].join('\r') + '\r')]})
    expect(r.totals).toMatchObject({read: 2, loaded: 2})
  })
  it('a header-only file, a file of blank lines (LF or CR): exit 5 naming the file, nothing recorded', async () => {
    for (const [name, content, msg] of [
      ['header.csv', PH + '\r\n', /header.csv has a header but no data rows/],
      ['blank.csv', '\n\n\n', /blank.csv holds no data \(3 bytes of blank lines\)/],
      ['blank-cr.csv', '\r\r\r\r', /blank-cr.csv holds no data/],
    ] as const) {
      await expect(ingestFiles(store, {source: 'probe', paths: [file(name, content)]})).rejects.toMatchObject({
        exit: EXIT.badInput,
        message: expect.stringMatching(msg),
      })
    }
    expect(await n('select count(*) from ingest_files')).toBe(0)
  })
  it('a header and 2 MB of blank lines (past the quick check): exit 5 "no data rows", never "read 0, loaded 0"', async () => {
    const p = file('late-blank.csv', PH + '\n' + '\n'.repeat(2 << 20))
    await expect(ingestFiles(store, {source: 'probe', paths: [p]})).rejects.toMatchObject({
      exit: EXIT.badInput,
      message: expect.stringMatching(/late-blank.csv: no data rows found/),
    })
    expect(await n('select count(*) from ingest_files')).toBe(0)
  })
})

describe('timestamps and values', () => {
  it('"YYYY-MM-DD HH:MM:SS +0800" loads (probe ts, calls offered_at), converted to the site time zone', async () => {
    const probe = [
      PH,
      'a,2026-10-29 10:00:00 +0800,canon,v1,pageview,u',
      'b,2026-10-29 02:00:00 +0000,canon,v2,pageview,u',
      'c,2026-10-29 10:00:00,canon,v3,pageview,u',
    ].join('\n')
    const r = await ingestFiles(store, {source: 'probe', paths: [file('tz.csv', probe + '\n')]})
    expect(r.totals).toMatchObject({loaded: 3, quarantined: 0})
    expect((await store.all(`select strftime(ts, '%H:%M') t from raw_probe_events order by event_id`)).map((x) => x.t)).toEqual([
      '10:00',
      '10:00',
      '10:00',
    ])
    const calls = await ingestFiles(store, {
      source: 'calls',
      paths: [file('tz-calls.csv', `${CH}\nk1,inbound,2026-10-29 09:00:00 +0700,,,,\n`)],
    })
    expect(calls.totals).toMatchObject({loaded: 1})
    expect(await store.scalar(`select strftime(offered_at, '%H:%M') from raw_calls`)).toBe('10:00')
  })
  it('values out of range are quarantined with file, line, field and value: csat 9, direction sideways, year 10000, NaN, 1e309', async () => {
    const rows = [
      CH,
      'k1,inbound,2026-10-29 09:00:00,2026-10-29 09:00:10,2026-10-29 09:05:10,0,5',
      'k2,inbound,2026-10-29 09:01:00,2026-10-29 09:01:10,2026-10-29 09:06:10,0,9',
      'k3,sideways,2026-10-29 09:02:00,,,,',
      'k4,inbound,10000-01-01 00:00:00,,,,',
      'k5,inbound,2026-10-29 09:03:00,2026-10-29 09:03:10,2026-10-29 09:04:10,NaN,',
      'k6,inbound,2026-10-29 09:04:00,2026-10-29 09:04:10,2026-10-29 09:05:10,1e309,',
    ]
    const p = file('range.csv', rows.join('\n') + '\n')
    const r = await ingestFiles(store, {source: 'calls', paths: [p], maxBad: 1})
    expect(r.totals).toMatchObject({read: 6, loaded: 1, quarantined: 5})
    expect(await store.all(`select line, field, value, split_part(reason, ':', 1) code from quarantine order by line`)).toEqual([
      {line: 3, field: 'csat', value: '9', code: 'out_of_range'},
      {line: 4, field: 'direction', value: 'sideways', code: 'bad_value'},
      {line: 5, field: 'offered_at', value: '10000-01-01 00:00:00', code: 'out_of_range'},
      {line: 6, field: 'hold_s', value: 'nan', code: 'out_of_range'},
      {line: 7, field: 'hold_s', value: 'inf', code: 'out_of_range'},
    ])
    expect(await store.scalar(`select reason from quarantine where line = 4`)).toBe(
      'bad_value: direction "sideways" is not a call direction (inbound, outbound)',
    )
    expect(await store.scalar(`select file from quarantine limit 1`)).toBe(p)
  })
  it('probe: NaN and infinite values and negative click coordinates are refused; the good rows load', async () => {
    const rows = [
      'event_id,ts,site,visitor_id,type,x,value',
      'a,2026-10-29 10:00:00,canon,v1,order,,12.5',
      'b,2026-10-29 10:00:01,canon,v1,order,,NaN',
      'c,2026-10-29 10:00:02,canon,v1,click,-3,',
      'd,2026-10-29 10:00:03,canon,v1,order,,1e309',
    ]
    const r = await ingestFiles(store, {source: 'probe', paths: [file('nan.csv', rows.join('\n') + '\n')], maxBad: 1})
    expect(r.totals).toMatchObject({read: 4, loaded: 1, quarantined: 3})
    expect(await store.all(`select line, field, split_part(reason, ':', 1) code from quarantine order by line`)).toEqual([
      {line: 3, field: 'value', code: 'out_of_range'},
      {line: 4, field: 'x', code: 'out_of_range'},
      {line: 5, field: 'value', code: 'out_of_range'},
    ])
    expect(await n(`select count(*) from raw_probe_events where not isfinite(value)`)).toBe(0)
  })
})

describe('encodings and binary files', () => {
  it('NDJSON: a line nested 5,000 arrays deep is quarantined with its line; the good lines load', async () => {
    const deep =
      '{"event_id":"x","ts":"2026-10-29 10:00:00","site":"canon","visitor_id":"v9","type":"pageview","props":' +
      '['.repeat(5000) +
      ']'.repeat(5000) +
      '}'
    const good = (i: number) =>
      JSON.stringify({event_id: `g${i}`, ts: '2026-10-29 10:00:00', site: 'canon', visitor_id: `v${i}`, type: 'pageview'})
    const r = await ingestFiles(store, {
      source: 'probe',
      paths: [file('deep.ndjson', [good(1), deep, good(2)].join('\n') + '\n')],
      maxBad: 1,
    })
    expect(r.totals).toMatchObject({read: 3, loaded: 2, quarantined: 1})
    expect(await store.one(`select line, reason from quarantine`)).toEqual({line: 2, reason: 'bad_json: nested more than 64 levels deep'})
  })
  it('GBK text that first appears after the first MiB is recognised (no row quarantined as invalid UTF-8)', async () => {
    const ascii = Array.from({length: 20000}, (_, i) => `e${i},2026-10-29 10:00:00,canon,v${i},pageview,https://x.cn/${i}`)
    const chinese = Array.from({length: 300}, (_, i) => `c${i},2026-10-29 11:00:00,canon,w${i},pageview,https://x.cn/打印机维修/${i}`)
    const text = [PH, ...ascii, ...chinese].join('\n') + '\n'
    expect(text.indexOf('打')).toBeGreaterThan(1 << 20)
    const r = await ingestFiles(store, {source: 'probe', paths: [file('late-gbk.csv', iconv.encode(text, 'gbk'))]})
    expect(r.files[0]).toMatchObject({encoding: 'gb18030', loaded: 20300, quarantined: 0})
    expect(await n(`select count(*) from raw_probe_events where url like '%打印机维修%'`)).toBe(300)
  })
  it('a file loaded with rows quarantined says how to load it again; --replace with other flags swaps its rows atomically', async () => {
    const text = [PH, ev(1), 'e2,2026-10-29 10:00:02,canon,v2,pageveiw,u', ev(3)].join('\n') + '\n'
    const p = file('typo.csv', text)
    const first = await ingestFiles(store, {source: 'probe', paths: [p], maxBad: 1})
    expect(first.totals).toMatchObject({loaded: 2, quarantined: 1})
    const again = await ingestFiles(store, {source: 'probe', paths: [p], maxBad: 1})
    expect(again.files[0]!.notes.join()).toMatch(/already ingested \(ingest \d+, 1 rows quarantined\).*add --replace/)
    const mapping = columnMapping({})
    mapping.fields.type = {kind: 'column', column: 'type', values: {pageview: 'pageview', pageveiw: 'pageview'}, origin: 'test'}
    const replaced = await ingestFiles(store, {source: 'probe', paths: [p], mapping, replace: true})
    expect(replaced.files[0]).toMatchObject({loaded: 3, quarantined: 0})
    expect(replaced.files[0]!.notes.join()).toMatch(/replaced earlier load/)
    expect(await n('select count(*) from raw_probe_events')).toBe(3)
    expect(await n('select count(*) from quarantine')).toBe(0)
    expect(await store.all(`select status from ingest_files order by ingest_id`)).toEqual([{status: 'replaced'}, {status: 'loaded'}])
  })
  it('UTF-16 without a byte-order mark is read as UTF-16, not GB18030', async () => {
    const text = [PH, ev(1), ev(2)].join('\n') + '\n'
    const r = await ingestFiles(store, {source: 'probe', paths: [file('u16.csv', Buffer.from(text, 'utf16le'))]})
    expect(r.files[0]).toMatchObject({encoding: 'utf-16le', loaded: 2})
  })
  it('a PNG, a gzip named .csv and a huge sparse file: exit 5 saying what the file is', async () => {
    const png = file('chart.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))
    const gz = file('export.csv', Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3]))
    const sparse = join(dir.path, 'sparse.csv')
    const fd = openSync(sparse, 'w')
    ftruncateSync(fd, 4 * 1024 * 1024 * 1024)
    closeSync(fd)
    for (const [p, msg] of [
      [png, /chart.csv is a PNG image, not a text export/],
      [gz, /export.csv is a gzip file, not a text export/],
      [sparse, /sparse.csv holds binary data .*all zeros/],
    ] as const) {
      await expect(ingestFiles(store, {source: 'probe', paths: [p]})).rejects.toMatchObject({
        exit: EXIT.badInput,
        message: expect.stringMatching(msg),
      })
    }
  })
  it('a symbolic link loop and an unreadable file: exit 5 saying so, not "file not found" or a raw EACCES', async () => {
    const loop = join(dir.path, 'loop.csv')
    symlinkSync(loop, loop)
    await expect(ingestFiles(store, {source: 'probe', paths: [loop]})).rejects.toMatchObject({
      exit: EXIT.badInput,
      message: expect.stringMatching(/loop.csv: a symbolic link loop/),
    })
    // root reads any file, so the permission error is checked on the translation itself
    const denied = Object.assign(new Error('EACCES: permission denied, open'), {code: 'EACCES'})
    expect(fsError('/data/calls.csv', denied)).toMatchObject({
      exit: EXIT.badInput,
      message: '/data/calls.csv: permission denied (cannot read it)',
    })
  })
})

describe('temporary folders', () => {
  it('an ingest removes the folders a killed ingest left behind, not those of a running one', async () => {
    const tmp = join(dir.path, 'tmp')
    mkdirSync(tmp)
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {encoding: 'utf8'})
    const dead = Number(gone.stdout)
    mkdirSync(join(tmp, `ccx-ingest-${dead}-AbC123`))
    mkdirSync(join(tmp, `ccx-ingest-${process.ppid}-XyZ789`))
    expect(sweepStaleTempDirs(tmp)).toEqual([`ccx-ingest-${dead}-AbC123`])
    expect(existsSync(join(tmp, `ccx-ingest-${process.ppid}-XyZ789`))).toBe(true)
  })
})
