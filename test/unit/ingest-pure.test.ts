import iconv from 'iconv-lite'
import {describe, expect, it} from 'vitest'
import {parseAccessLogLine, parseLogTime} from '../../src/ingest/access-log.js'
import {countUtf8, detectDelimiter, detectEncoding, detectFormat, splitCsvLine} from '../../src/ingest/detect.js'
import {maskEmail, maskPhone, maskWechat, normalizePhone, protectContact} from '../../src/ingest/contacts.js'
import {checkMapping, columnMapping, emptyMapping, parseMapArgs, resolveColumns} from '../../src/ingest/mapping.js'
import {SOURCES} from '../../src/vocab/sources.js'
import {Store} from '../../src/store/store.js'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {expandPaths} from '../../src/ingest/paths.js'
import {hintFor} from '../../src/ingest/quarantine.js'
import {tempDir} from '../helpers/cli.js'
import {join} from 'node:path'

describe('encoding detection', () => {
  const text = '呼叫编号,主叫号码,振铃时间\nCC1,13902231456,2026/10/30 09:05:12\n佳能打印机维修,深圳维修站,传真机价格\n'
  it('UTF-8 with and without BOM', () => {
    expect(detectEncoding(Buffer.from(text))).toEqual({encoding: 'utf-8', bom: false})
    expect(detectEncoding(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual({encoding: 'utf-8', bom: true})
  })
  it('GBK as Excel writes it is detected as GB18030', () => {
    expect(detectEncoding(iconv.encode(text, 'gbk')).encoding).toBe('gb18030')
  })
  it('a few corrupt bytes in UTF-8 text stay UTF-8 (those rows are quarantined)', () => {
    const buf = Buffer.concat([Buffer.from(text), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from(text)])
    expect(detectEncoding(buf).encoding).toBe('utf-8')
    expect(countUtf8(Buffer.from('你好'))).toEqual({valid: 2, invalid: 0})
  })
})

describe('format and delimiter', () => {
  it('picks the format by extension, then content', () => {
    expect(detectFormat('a.csv', Buffer.from('a,b\n'))).toBe('csv')
    expect(detectFormat('a.jsonl', Buffer.from('{}'))).toBe('ndjson')
    expect(detectFormat('a.json', Buffer.from(' [{"a":1}]'))).toBe('json')
    expect(detectFormat('a.json', Buffer.from('{"a":1}\n{"a":2}'))).toBe('ndjson')
    expect(detectFormat('x', Buffer.from('PAR1....'))).toBe('parquet')
    expect(detectFormat('access_log', Buffer.from('1.2.3.4 - - [29/Oct/2026:10:12:04 +0800] "GET / HTTP/1.1" 200 5 "-" "curl"\n'))).toBe(
      'access-log',
    )
  })
  it('detects the delimiter from the header and splits quoted fields', () => {
    expect(detectDelimiter('a;b;c')).toBe(';')
    expect(detectDelimiter('a\tb\tc')).toBe('\t')
    expect(detectDelimiter('a,"b;c",d')).toBe(',')
    expect(splitCsvLine('a,"b,""c""",d', ',')).toEqual(['a', 'b,"c"', 'd'])
  })
})

describe('column mapping', () => {
  it('parses --map pairs (columns, constants, expressions, not mapped) and resolves the header', () => {
    const map = parseMapArgs(['call_id=呼叫编号,phone=主叫号码', 'offered_at="Start Time"', "site='canon',queue=(upper(q, 'x')),outcome="])
    expect(Object.fromEntries(Object.entries(map.fields).map(([k, v]) => [k, {...v, origin: undefined}]))).toEqual({
      call_id: {kind: 'column', column: '呼叫编号'},
      phone: {kind: 'column', column: '主叫号码'},
      offered_at: {kind: 'column', column: 'Start Time'},
      site: {kind: 'const', value: 'canon'},
      queue: {kind: 'expr', expr: "upper(q, 'x')"},
      outcome: {kind: 'none'},
    })
    const r = resolveColumns(['呼叫编号', 'Direction', '主叫号码', 'Start Time', '备注', 'Outcome'], SOURCES.calls, map, 'cdr.csv')
    expect(r.fields.get('call_id')!.column).toBe(0)
    expect(r.fields.get('direction')).toMatchObject({column: 1, how: 'matched name'}) // loose match: case
    expect(r.fields.get('offered_at')).toMatchObject({column: 3, how: 'mapped column'})
    // outcome: null stops the match by name; the file's Outcome column stays unused
    expect(r.fields.get('outcome')).toMatchObject({how: 'not mapped'})
    expect(r.extras).toEqual([4, 5])
    expect(r.missingRequired).toEqual([])
  })
  it('a column an explicit mapping uses is not matched by name to another field', () => {
    const map = columnMapping({disposition: 'outcome'})
    const r = resolveColumns(['call_id', 'direction', 'offered_at', 'outcome'], SOURCES.calls, map, 'x.csv')
    expect(r.fields.get('disposition')).toMatchObject({column: 3, how: 'mapped column'})
    expect(r.fields.get('outcome')).toMatchObject({how: 'absent'})
  })
  it('names missing required columns and unknown fields', () => {
    expect(resolveColumns(['CallID'], SOURCES.calls, emptyMapping(), 'x.csv').missingRequired).toEqual(['direction', 'offered_at'])
    expect(() => checkMapping(columnMapping({callid: 'x'}), SOURCES.calls)).toThrow(/--map: "callid" is not a calls field/)
    expect(() => resolveColumns(['a'], SOURCES.calls, columnMapping({call_id: 'nope'}), 'x.csv')).toThrow(
      /x.csv: column "nope" \(mapped to call_id\)/,
    )
  })
})

describe('access log beacons', () => {
  const line =
    '14.17.1.2 - - [29/Oct/2026:12:00:01 +0800] "GET /collect?v=1&eid=a-1&t=pageview&s=canon&vid=v1&dt=%E6%89%93%E5%8D%B0%E6%9C%BA&r=https%3A%2F%2Fwww.so.com%2Fs%3Fq%3Dx&vc=2&utm=x HTTP/1.1" 204 0 "https://www.canon.com.cn/p" "Mozilla/5.0"'
  it('maps beacon parameters to probe fields; the Referer header is the page URL when u is absent', () => {
    const r = parseAccessLogLine(line)
    expect(r).toEqual({
      kind: 'event',
      fields: {
        ts: '2026-10-29 12:00:01',
        ip: '14.17.1.2',
        user_agent: 'Mozilla/5.0',
        event_id: 'a-1',
        type: 'pageview',
        site: 'canon',
        visitor_id: 'v1',
        title: '打印机',
        referrer: 'https://www.so.com/s?q=x',
        visit_count: '2',
        url: 'https://www.canon.com.cn/p',
        props: '{"utm":"x"}',
      },
    })
  })
  it('skips other requests and flags lines that are not log lines', () => {
    expect(parseAccessLogLine(line.replace('/collect?', '/index.html?')).kind).toBe('skip')
    expect(parseAccessLogLine('garbage').kind).toBe('bad')
    expect(parseLogTime('01/Feb/2026:00:00:09 +0000')).toBe('2026-02-01 00:00:09')
  })
})

describe('contacts', () => {
  it('normalizes, masks and hashes', () => {
    expect(normalizePhone('+86 186-2041-7733')).toBe('18620417733')
    expect(maskPhone('18620417733')).toBe('186****7733')
    expect(maskPhone('12345')).toBe('*****')
    expect(maskEmail('liu.office@163.com')).toBe('l***@163.com')
    expect(maskWechat('wxid_gz0826')).toBe('wx***6')
    // sha256("13800138000"), computed independently (sha256sum)
    expect(protectContact('phone', '138-0013-8000').hash).toBe('a6942f9771d67f34034d2f1926988ed3fad3bf1b4e7cedb9a31f31398dea43bc')
  })
  it('the SQL macros give the same results as the TypeScript rules', async () => {
    const store = await Store.open(':memory:')
    try {
      await store.run(readFileSync(join(import.meta.dirname, '../../src/ingest/contacts.sql'), 'utf8'))
      const values = ['+86 186-2041-7733', '0086 13902231456', '0755-26981234', '12345', '', ' Liu.Office@163.COM ', 'wxid_GZ0826', 'ab']
      for (const v of values) {
        const row = await store.one<Record<string, string | null>>(
          `select ccx_hash(ccx_phone_norm($v)) ph, ccx_phone_mask(ccx_phone_norm($v)) pm, ccx_hash(ccx_email_norm($v)) eh, ccx_email_mask(ccx_email_norm($v)) em,
                  ccx_hash(ccx_wechat_norm($v)) wh, ccx_wechat_mask(ccx_wechat_norm($v)) wm`,
          {v},
        )
        const p = protectContact('phone', v)
        const e = protectContact('email', v)
        const w = protectContact('wechat', v)
        expect(row).toEqual({ph: p.hash, pm: p.masked, eh: e.hash, em: e.masked, wh: w.hash, wm: w.masked})
      }
    } finally {
      await store.close()
    }
  })
})

describe('paths', () => {
  it('expands directories (data files, sorted, not recursive) and globs (* and **)', () => {
    const d = tempDir('ccx-paths-')
    try {
      mkdirSync(join(d.path, 'sub'))
      for (const f of ['b.csv', 'a.csv', 'notes.md', 'sub/c.csv', 'seg.ndjson.open']) writeFileSync(join(d.path, f), 'x,y\n1,2\n')
      expect(expandPaths([d.path]).map((p) => p.slice(d.path.length + 1))).toEqual(['a.csv', 'b.csv'])
      expect(expandPaths([join(d.path, '*.csv')]).map((p) => p.slice(d.path.length + 1))).toEqual(['a.csv', 'b.csv'])
      expect(expandPaths([join(d.path, '**/*.csv')]).map((p) => p.slice(d.path.length + 1))).toEqual(['a.csv', 'b.csv', 'sub/c.csv'])
      expect(() => expandPaths([join(d.path, '*.parquet')])).toThrow(/no files match/)
    } finally {
      d.cleanup()
    }
  })
})

describe('quarantine hints', () => {
  it('a conflicting key names the field to make unique: the id alone, or the last field of a composite key', () => {
    expect(hintFor('conflicting_key', 'call_id', '33116', 'calls')).toContain(`{"call_id": {"expr": "<column> || '-' || call_id"}}`)
    const composite = hintFor('conflicting_key', 'call_id, turn_no', 'd1 / 0', 'transcripts')
    expect(composite).toContain('{"turn_no": {"expr": "..."}}')
    expect(composite).not.toContain('"call_id, turn_no":')
  })
})
