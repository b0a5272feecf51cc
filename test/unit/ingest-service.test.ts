import iconv from 'iconv-lite'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {EXIT} from '../../src/errors.js'
import {columnMapping} from '../../src/ingest/mapping.js'
import {ingestFiles} from '../../src/ingest/service.js'
import {Store} from '../../src/store/store.js'
import {ROOT, tempDir} from '../helpers/cli.js'

const SAMPLES = join(ROOT, 'fixtures/samples')
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
  dir = tempDir('ccx-ingest-')
})
afterEach(async () => {
  await store.close()
  dir.cleanup()
})

const PH = 'event_id,ts,site,visitor_id,type,url'
const ev = (i: number) => `e${i},2026-10-29 10:00:0${i},canon,v${i},pageview,https://x.cn/${i}`

describe('probe', () => {
  it('overlapping files and repeated events add no duplicates (natural key event_id)', async () => {
    const a = file('a.csv', [PH, ev(1), ev(2), ev(3), ev(4), ev(5), ev(5)].join('\n') + '\n')
    const b = file('b.csv', [PH, ev(4), ev(5), ev(6), ev(7), ev(8)].join('\n') + '\n')
    const r = await ingestFiles(store, {source: 'probe', paths: [a, b]})
    expect(r.files.map((f) => [f.read, f.loaded, f.duplicate, f.quarantined])).toEqual([
      [6, 5, 1, 0],
      [5, 3, 2, 0],
    ])
    expect(r.totals).toEqual({read: 11, loaded: 8, duplicate: 3, quarantined: 0, filtered: 0, flagged: 0})
    expect(await n('select count(*) from raw_probe_events')).toBe(8)
    expect(await n(`select version from table_versions where table_name = 'raw_probe_events'`)).toBe(2)
    // The same file again is recognised by its fingerprint: nothing read, nothing added.
    const again = await ingestFiles(store, {source: 'probe', paths: [a]})
    expect(again.files[0]).toMatchObject({skipped: true, loaded: 0, quarantined: 0})
    expect(await n('select count(*) from raw_probe_events')).toBe(8)
    expect(await n(`select version from table_versions where table_name = 'raw_probe_events'`)).toBe(2)
  })

  it('without event_id the key is a hash of the content; extra columns go to props', async () => {
    const h = 'ts,site,visitor_id,type,url,campaign'
    const row = '2026-10-29 10:00:00,canon,v1,click,https://x.cn/,autumn'
    const p = file('noid.csv', [h, row, row, row.replace('click', 'pageview')].join('\n') + '\n')
    const r = await ingestFiles(store, {source: 'probe', paths: [p]})
    expect(r.totals).toEqual({read: 3, loaded: 2, duplicate: 1, quarantined: 0, filtered: 0, flagged: 0})
    const rows = await store.all<{event_id: string; props: string}>('select event_id, props from raw_probe_events order by type')
    expect(rows[0]!.event_id).toMatch(/^[0-9a-f]{32}$/)
    expect(JSON.parse(rows[0]!.props)).toEqual({campaign: 'autumn'})
  })

  it('rows with an empty site or visitor are quarantined with their line, counted as DuckDB counts records', async () => {
    // line 1 header; 2-3 one record (quoted newline) = record 2; 3 blank = record 3; record 4 empty visitor;
    // record 5 bad ts (DuckDB reject) and empty site: reported once, as the reject; record 6 empty site.
    const rows = [
      PH,
      'e1,2026-10-29 10:00:01,canon,v1,pageview,"https://x.cn/a\nb"',
      '',
      'e2,2026-10-29 10:00:02,canon,,pageview,u',
      'e3,bad,,v3,pageview,u',
      'e4,2026-10-29 10:00:04,,v4,click,u',
      ev(5),
    ]
    const p = file('empties.csv', rows.join('\n') + '\n')
    const r = await ingestFiles(store, {source: 'probe', paths: [p]})
    expect(r.totals).toEqual({read: 5, loaded: 2, duplicate: 0, quarantined: 3, filtered: 0, flagged: 0})
    expect(await store.all(`select line, field, split_part(reason, ':', 1) code from quarantine order by line`)).toEqual([
      {line: 4, field: 'visitor_id', code: 'missing_value'},
      {line: 5, field: 'ts', code: 'bad_timestamp'},
      {line: 6, field: 'site', code: 'missing_value'},
    ])
    expect(await store.scalar(`select raw from quarantine where line = 6`)).toBe('e4,2026-10-29 10:00:04,,v4,click,u')
  })

  it('reports the bad share against --max-bad', async () => {
    const p = file('bad.csv', [PH, ev(1), ev(2), ev(3), 'e4,not a time,canon,v4,pageview,u'].join('\n') + '\n')
    const r = await ingestFiles(store, {source: 'probe', paths: [p], maxBad: 0.2})
    expect(r.badShare).toBeCloseTo(1 / 4)
    expect(r.tooManyBad).toBe(true)
    const q = await store.one<{line: number; field: string; reason: string}>('select line, field, reason from quarantine')
    expect(q).toMatchObject({line: 5, field: 'ts'})
    expect(q!.reason).toMatch(/^bad_timestamp/)
    expect((await ingestFiles(store, {source: 'probe', paths: [file('ok.csv', [PH, ev(9)].join('\n'))], maxBad: 0.2})).tooManyBad).toBe(
      false,
    )
  })

  it('timestamps with a UTC offset are converted to the site time zone; without one they are taken as written', async () => {
    const p = file(
      'tz.csv',
      [
        PH,
        'z1,2026-10-29T02:00:00Z,canon,v1,pageview,u',
        'z2,2026-10-29T10:00:00+08:00,canon,v1,pageview,u',
        'z3,2026-10-29 10:00:00,canon,v1,pageview,u',
        'z4,2026-10-29T03:00:00-01:00,canon,v1,pageview,u',
      ].join('\n'),
    )
    const nd = file(
      'tz.ndjson',
      JSON.stringify({event_id: 'z5', ts: '2026-10-28T18:30:00.000Z', site: 'canon', visitor_id: 'v1', type: 'click'}),
    )
    await ingestFiles(store, {source: 'probe', paths: [p, nd], timezone: 'Asia/Shanghai'})
    const rows = await store.all<{event_id: string; t: string}>(
      `select event_id, strftime(ts, '%Y-%m-%d %H:%M:%S') t from raw_probe_events order by event_id`,
    )
    // 02:00Z = 10:00 +08; 03:00-01:00 = 04:00Z = 12:00 +08; 18:30Z = 02:30 next day +08
    expect(rows).toEqual([
      {event_id: 'z1', t: '2026-10-29 10:00:00'},
      {event_id: 'z2', t: '2026-10-29 10:00:00'},
      {event_id: 'z3', t: '2026-10-29 10:00:00'},
      {event_id: 'z4', t: '2026-10-29 12:00:00'},
      {event_id: 'z5', t: '2026-10-29 02:30:00'},
    ])
  })

  it('a line of 10 MB is quarantined, the rest loads', async () => {
    const big = 'e9,2026-10-29 10:00:09,canon,v9,pageview,' + 'x'.repeat(10 * 1024 * 1024)
    const p = file('long.csv', [PH, ev(1), big, ev(2)].join('\n') + '\n')
    const r = await ingestFiles(store, {source: 'probe', paths: [p]})
    expect(r.totals).toEqual({read: 3, loaded: 2, duplicate: 0, quarantined: 1, filtered: 0, flagged: 0})
    const q = await store.one<{line: number; reason: string; len: number}>('select line, reason, length(raw) len from quarantine')
    expect(q!.line).toBe(3)
    expect(q!.reason).toMatch(/^line_too_long/)
    expect(q!.len).toBeLessThanOrEqual(65536)
    const nd = file(
      'long.ndjson',
      [
        JSON.stringify({event_id: 'j1', ts: '2026-10-29 10:00:00', site: 's', visitor_id: 'v', type: 'click'}),
        JSON.stringify({event_id: 'j2', title: 'y'.repeat(10 * 1024 * 1024)}),
      ].join('\n'),
    )
    const j = await ingestFiles(store, {source: 'probe', paths: [nd]})
    expect(j.totals).toEqual({read: 2, loaded: 1, duplicate: 0, quarantined: 1, filtered: 0, flagged: 0})
    expect(await store.one(`select line, split_part(reason, ':', 1) code from quarantine where file like '%long.ndjson'`)).toEqual({
      line: 2,
      code: 'line_too_long',
    })
  })
})

describe('calls, transcripts, leads, orders, chats', () => {
  it('calls: epoch timestamps become site-local wall-clock time; semicolons and GBK are detected', async () => {
    // 1793322312 = 2026-10-30 01:05:12 UTC = 09:05:12 in Asia/Shanghai
    const csv = '呼叫编号;方向;振铃时间;主叫号码\nC1;呼入;1793322312;13902231456\nC2;呼出;1793322372;\n'
    const p = file('cdr.csv', iconv.encode(csv, 'gbk'))
    const r = await ingestFiles(store, {
      source: 'calls',
      paths: [p],
      mapping: columnMapping({call_id: '呼叫编号', direction: '方向', offered_at: '振铃时间', phone: '主叫号码'}),
      tsFormat: 'epoch',
    })
    expect(r.files[0]).toMatchObject({encoding: 'gb18030', read: 2, loaded: 2})
    const rows = await store.all<Record<string, unknown>>(
      `select call_id, direction, strftime(offered_at, '%Y-%m-%d %H:%M:%S') t, phone_masked from raw_calls order by call_id`,
    )
    expect(rows).toEqual([
      {call_id: 'C1', direction: 'inbound', t: '2026-10-30 09:05:12', phone_masked: '139****1456'},
      {call_id: 'C2', direction: 'outbound', t: '2026-10-30 09:06:12', phone_masked: null},
    ])
  })

  it('leads: contacts are stored masked and hashed; raw values only with keepContacts', async () => {
    await ingestFiles(store, {source: 'leads', paths: [join(SAMPLES, 'leads.csv')]})
    expect(await n('select count(*) from contacts_raw')).toBe(0)
    const lead = await store.one<Record<string, string>>(
      `select phone_masked, email_masked, wechat_masked, phone_hash from raw_leads where lead_id = 'lead-S0001'`,
    )
    expect(lead).toEqual({
      phone_masked: '138****1175',
      email_masked: 'l***@163.com',
      wechat_masked: 'wx***6',
      phone_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    })
    const cols = (
      await store.all<{column_name: string}>(`select column_name from information_schema.columns where table_name = 'raw_leads'`)
    ).map((c) => c.column_name)
    expect(cols).not.toContain('phone')
    // Same rows, other bytes (a trailing blank line): not skipped by fingerprint, every row a duplicate.
    const copy = file('leads2.csv', (await import('node:fs')).readFileSync(join(SAMPLES, 'leads.csv'), 'utf8') + '\n')
    const r = await ingestFiles(store, {source: 'leads', paths: [copy], keepContacts: true})
    expect(r.totals.duplicate).toBe(r.totals.read)
    expect(await n(`select count(*) from contacts_raw where kind = 'phone' and value = '13826041175'`)).toBe(1)
  })

  it('chats: NDJSON conversations and the flat CSV give the same rows; the second adds nothing', async () => {
    const a = await ingestFiles(store, {source: 'chats', paths: [join(SAMPLES, 'chats.ndjson')]})
    const convs = await n('select count(*) from raw_conversations')
    const msgs = await n('select count(*) from raw_messages')
    expect(a.totals.loaded).toBe(msgs)
    expect(convs).toBeGreaterThan(0)
    const b = await ingestFiles(store, {source: 'chats', paths: [join(SAMPLES, 'chats.csv')]})
    expect(b.totals.loaded).toBe(0)
    expect(b.totals.duplicate).toBe(b.totals.read)
    expect(await n('select count(*) from raw_messages')).toBe(msgs)
  })

  it('chats: a message without ts is quarantined with its line; requested_at falls back to the first message', async () => {
    const nd = [
      JSON.stringify({
        conversation_id: 'k1',
        channel: 'wechat',
        messages: [
          {seq: 1, ts: '2026-10-29 10:00:00', sender_type: 'visitor', text: '你好'},
          {seq: 2, sender_type: 'agent', text: '在'},
        ],
      }),
      JSON.stringify({conversation_id: 'k2', requested_at: '2026-10-29 11:00:00'}),
    ].join('\n')
    const r = await ingestFiles(store, {source: 'chats', paths: [file('c.ndjson', nd)]})
    expect(r.totals).toEqual({read: 3, loaded: 2, duplicate: 0, quarantined: 1, filtered: 0, flagged: 0})
    expect(await store.one(`select line, field from quarantine`)).toEqual({line: 1, field: 'ts'})
    expect(
      await store.one(`select channel, strftime(requested_at, '%H:%M') r from raw_conversations where conversation_id = 'k1'`),
    ).toEqual({channel: 'wechat', r: '10:00'})
  })

  it('transcripts (speaker synonyms) and orders from Parquet', async () => {
    const t = file(
      't.csv',
      'call_id,turn_no,speaker,start_ms,end_ms,text,confidence\nc1,1,坐席,0,1200,您好,0.9\nc1,2,客户,1300,2000,你好,0.8\nc1,2,客户,1300,2000,你好,0.8\n',
    )
    const r = await ingestFiles(store, {source: 'transcripts', paths: [t]})
    expect(r.totals).toEqual({read: 3, loaded: 2, duplicate: 1, quarantined: 0, filtered: 0, flagged: 0})
    expect((await store.all('select speaker from raw_transcript_turns order by turn_no')).map((x) => x.speaker)).toEqual([
      'agent',
      'customer',
    ])
    const pq = join(dir.path, 'orders.parquet')
    await store.run(`copy (select * from read_csv('${join(SAMPLES, 'orders.csv')}', all_varchar = true)) to '${pq}' (format parquet)`)
    const o = await ingestFiles(store, {source: 'orders', paths: [pq]})
    expect(o.files[0]!.format).toBe('parquet')
    expect(o.totals.loaded).toBe(3)
    expect(await n(`select sum(amount) from raw_orders`)).toBeCloseTo(
      await n(`select sum(amount::DOUBLE) from read_csv('${join(SAMPLES, 'orders.csv')}')`),
    )
  })
})

describe('other formats', () => {
  it('a JSON array (line = record position), a TSV file and UTF-16 NDJSON', async () => {
    const arr = file(
      'orders.json',
      JSON.stringify([
        {order_id: 'o1', ts: '2026-10-29 10:00:00', amount: 10.5, currency: 'CNY'},
        {order_id: 'o2', ts: 'soon', amount: 3},
        {order_id: 'o3', ts: '2026-10-29 11:00:00', quantity: 'two'},
      ]),
    )
    const a = await ingestFiles(store, {source: 'orders', paths: [arr]})
    expect(a.files[0]).toMatchObject({format: 'json', read: 3, loaded: 1, quarantined: 2})
    expect(await store.all('select line, field from quarantine order by line')).toEqual([
      {line: 2, field: 'ts'},
      {line: 3, field: 'quantity'},
    ])
    const tsv = file('t.tsv', 'call_id\tturn_no\tspeaker\ttext\nc9\t1\tagent\t您好, 请讲\n')
    expect((await ingestFiles(store, {source: 'transcripts', paths: [tsv]})).files[0]).toMatchObject({format: 'tsv', loaded: 1})
    expect(await store.scalar(`select text from raw_transcript_turns where call_id = 'c9'`)).toBe('您好, 请讲')
    const u16 = file(
      'u16.ndjson',
      Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        iconv.encode(JSON.stringify({lead_id: 'L1', ts: '2026-10-29 10:00:00', product: '传真机'}) + '\n', 'utf-16le'),
      ]),
    )
    expect((await ingestFiles(store, {source: 'leads', paths: [u16]})).files[0]).toMatchObject({
      format: 'ndjson',
      encoding: 'utf-16le-bom',
      loaded: 1,
    })
    expect(await store.scalar(`select product from raw_leads where lead_id = 'L1'`)).toBe('传真机')
  })
})

describe('bad input', () => {
  it('missing file, empty file, header only, empty directory: exit 5 naming the path', async () => {
    const empty = file('empty.csv', '')
    const header = file('header.csv', PH + '\n')
    const emptyDir = join(dir.path, 'nothing')
    mkdirSync(emptyDir)
    for (const [p, msg] of [
      [join(dir.path, 'missing.csv'), /file not found: .*missing.csv/],
      [empty, /empty file: .*empty.csv/],
      [header, /header.csv has a header but no data rows/],
      [emptyDir, /directory .*nothing has no data files/],
    ] as const) {
      await expect(ingestFiles(store, {source: 'probe', paths: [p]})).rejects.toMatchObject({
        exit: EXIT.badInput,
        message: expect.stringMatching(msg),
      })
    }
  })
  it('a missing required column names it and suggests --map', async () => {
    const p = file('calls.csv', 'CallID,Start\nx,2026-01-01 00:00:00\n')
    await expect(ingestFiles(store, {source: 'calls', paths: [p]})).rejects.toMatchObject({
      exit: EXIT.badInput,
      message: expect.stringMatching(/required fields direction, offered_at not found/),
    })
    expect(await n('select count(*) from ingest_files')).toBe(0)
  })
})
