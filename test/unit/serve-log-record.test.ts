import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {writeCanonicalCsv} from '../../src/ingest/readers.js'
import {SOURCES} from '../../src/vocab/sources.js'
import {parseServeConfig} from '../../src/config/serve.js'
import {batchLogLine, batchLogRows} from '../../src/vocab/event-log.js'
import {validateBatch} from '../../src/vocab/probe-batch.js'
import {tempDir} from '../helpers/cli.js'
import {segmentRows} from '../helpers/serve-log.js'

const head = {seq: 'seg-1-7-42', ts: '2026-11-23 08:00:00.123', ip: '113.116.1.1', userAgent: 'UA/1.0', visitCount: 3}

/** What serve writes for a body: the line's text (pieces joined). */
function logged(body: string | Buffer): string {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body
  const parsed = JSON.parse(bytes.toString('utf8'))
  const line = batchLogLine({...head, rejected: validateBatch(parsed).rejected}, bytes, parsed)
  return typeof line === 'string' ? line : Buffer.concat(line.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString('utf8')
}

describe('event log records', () => {
  const body = JSON.stringify({
    site: 'canon-cn',
    key: 'k',
    visitor_id: 'v1',
    events: [
      {id: 'p1', type: 'pageview', url: 'https://www.canon-like.cn/stores', title: '佳能专卖店', referrer: 'https://www.google.com/'},
      {type: 'nonsense'}, // refused when the request was answered
      {type: 'heartbeat', referrer: 'https://ignored.example/', ts: 1700000000000},
      {type: 'click', x: 10, y: 20, selector: 'a.buy', props: '{"k":1}'},
    ],
  })

  it('keeps the body as received when it fits on one line, and expands it into the canonical rows', () => {
    const bytes = Buffer.from(body)
    const line = batchLogLine({...head, rejected: validateBatch(JSON.parse(body)).rejected}, bytes, JSON.parse(body))
    expect(Array.isArray(line)).toBe(true)
    expect((line as Array<string | Buffer>)[1]).toBe(bytes) // the same bytes, not a copy re-encoded
    const text = logged(body)
    expect(text.endsWith('}\n')).toBe(true)
    expect(text.slice(0, -1)).not.toContain('\n')
    const rows = segmentRows([text])
    // index 1 was refused at the time: no row, no problem; id-less events get the request's seq and their index
    expect(rows.map((r) => r.event_id)).toEqual(['canon-cn:v1:p1', 'canon-cn:v1:seg-1-7-42-2', 'canon-cn:v1:seg-1-7-42-3'])
    expect(rows[0]).toEqual({
      event_id: 'canon-cn:v1:p1',
      ts: '2026-11-23 08:00:00.123',
      site: 'canon-cn',
      visitor_id: 'v1',
      type: 'pageview',
      url: 'https://www.canon-like.cn/stores',
      title: '佳能专卖店',
      referrer: 'https://www.google.com/',
      ip: '113.116.1.1',
      user_agent: 'UA/1.0',
      x: null,
      y: null,
      selector: null,
      member_id: null,
      visit_count: 3,
      directive_id: null,
      ref_id: null,
      value: null,
      props: '{"client_ts":null}',
    })
    expect(rows[1]).toMatchObject({type: 'heartbeat', referrer: null, props: '{"client_ts":1700000000000}'}) // referrer only on pageviews
    expect(rows[2]).toMatchObject({x: 10, y: 20, selector: 'a.buy', props: '{"client_ts":null,"data":"{\\"k\\":1}"}'})
  })

  it('re-serializes a body with line breaks or invalid UTF-8, with the same rows', () => {
    const pretty = JSON.stringify(JSON.parse(body), null, 2)
    const text = logged(pretty)
    expect(text.slice(0, -1)).not.toContain('\n')
    expect(segmentRows([text])).toEqual(segmentRows([logged(body)]))
    const bad = Buffer.concat([
      Buffer.from('{"site":"s","visitor_id":"v","events":[{"id":"a","type":"pageview","title":"x'),
      Buffer.from([0xff]),
      Buffer.from('"}]}'),
    ])
    const badLine = batchLogLine({...head, rejected: []}, bad, JSON.parse(bad.toString('utf8')))
    expect(typeof badLine).toBe('string') // decoded (U+FFFD) and re-encoded: the line is valid UTF-8
    expect(segmentRows([badLine as string])[0]!.title).toBe('x\uFFFD')
  })

  it('names the field of a broken record, and reports events that fail a rule they passed when logged', () => {
    expect(() => batchLogRows({probe_batch: 1, ts: 't', ip: '', user_agent: '', visit_count: 1, skip: [], batch: {}})).toThrow(
      /must be a string/,
    )
    const record = JSON.parse(logged(body)) as Record<string, unknown>
    record.skip = [] // as if index 1 had been accepted then
    const {rows, problems} = batchLogRows(record)
    expect(rows).toHaveLength(3)
    expect(problems).toEqual([{field: 'batch.events[1].type', reason: 'unknown event type "nonsense"'}])
  })

  it('ingest reads a segment: rows from good lines, broken lines quarantined with line and field', async () => {
    const dir = tempDir()
    const segment = join(dir.path, 'seg-1-7-00000001.ndjson')
    writeFileSync(
      segment,
      logged(body) + '{"probe_batch":1,"seq":"x","ts":"t","ip":"","user_agent":"","visit_count":"two","skip":[],"batch":{}}\n',
    )
    const out = join(dir.path, 'out.csv')
    const result = await writeCanonicalCsv({path: segment, out, format: 'ndjson', encoding: 'utf-8', spec: SOURCES.probe})
    expect(result.rows).toBe(3)
    expect(result.quarantine).toEqual([
      {line: 2, field: 'visit_count', reason: 'bad_log_record: must be an integer', raw: expect.any(String)},
    ])
    const csv = readFileSync(out, 'utf8').trim().split('\n')
    expect(csv).toHaveLength(4) // header + 3 rows, each from line 1
    expect(csv.slice(1).every((l) => l.startsWith('1,canon-cn:v1:'))).toBe(true)
    dir.cleanup()
  })

  it('serve config: sync defaults to interval; an old fsync setting keeps its meaning; the body limit fits a log line', () => {
    expect(parseServeConfig().sync).toBe('interval')
    expect(parseServeConfig({fsync: true}).sync).toBe('ack')
    expect(parseServeConfig({fsync: false}).sync).toBe('off')
    expect(parseServeConfig({fsync: false, sync: 'ack'}).sync).toBe('ack')
    expect(() => parseServeConfig({bodyLimitBytes: 4 * 1024 * 1024})).toThrow()
  })
})
