import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {readMapFile} from '../../src/ingest/mapping.js'
import {qualityCounts, qualityReport, summarizeQuality} from '../../src/reports/service/quality.js'
import {ingestFiles} from '../../src/ingest/service.js'
import {Store} from '../../src/store/store.js'
import {ROOT, tempDir} from '../helpers/cli.js'

const BANK = join(ROOT, 'fixtures/samples/bank')
let store: Store
let dir: {path: string; cleanup: () => void}
beforeEach(async () => {
  store = await Store.open(':memory:')
  dir = tempDir('ccx-quality-')
})
afterEach(async () => {
  await store.close()
  dir.cleanup()
})

describe('data quality', () => {
  it('per source and field: nulls, values outside the documented range, flagged time orders, duplicates, quarantine by reason', async () => {
    await ingestFiles(store, {
      source: 'calls',
      paths: [join(BANK, 'anonymous_bank.tsv')],
      mapping: readMapFile(join(BANK, 'anonymous_bank.map.json')),
    })
    const csv = [
      'call_id,direction,offered_at,answered_at,ended_at,csat',
      'x1,inbound,2026-10-29 09:00:00,2026-10-29 09:00:10,2026-10-29 09:05:00,5',
      'x1,inbound,2026-10-29 09:00:00,2026-10-29 09:00:10,2026-10-29 09:05:00,5',
      'x2,inbound,2026-10-29 09:10:00,,2026-10-29 09:10:30,9',
      'x3,outbound,2026-10-29 09:20:00,2026-10-29 09:20:05,2026-10-29 09:22:00,',
    ].join('\n')
    writeFileSync(join(dir.path, 'calls2.csv'), csv + '\n')
    await ingestFiles(store, {source: 'calls', paths: [join(dir.path, 'calls2.csv')], maxBad: 1})
    // a row written before ingest checked ranges (an old database): csat 7
    await store.run(
      `insert into raw_calls (call_id, direction, offered_at, csat, ingest_id) values ('y1', 'inbound', '2026-10-29 10:00:00', 7, 0)`,
    )

    const counts = await qualityCounts(store)
    expect(counts.map((c) => c.source)).toEqual(['calls'])
    const report = summarizeQuality(counts)
    const calls = report.sources[0]!
    // rows 38 (bank) + 2 (x1, x3) + 1 (y1); read 44 + 4; the bank's 6 filtered rows, x1's repeat, x2's csat 9;
    // flags: 3 answers a second before the queue, 1 end before its answer
    expect(calls).toMatchObject({rows: 41, files: 2, read: 48, duplicates: 1, filtered: 6, quarantined: 1, flagged: 4})
    expect(calls.flags).toEqual({answer_before_offer: 3, end_before_answer: 1})
    expect(calls.quarantine).toEqual([{code: 'out_of_range', count: 1}])
    expect(calls.quarantineShare).toBeCloseTo(1 / 48, 12)
    expect(calls.duplicateShare).toBeCloseTo(1 / 48, 12)
    expect(calls.flaggedShare).toBeCloseTo(4 / 41, 12)
    const field = (name: string) => calls.fields.find((f) => f.field === name)!
    // csat: null in the 38 bank calls and x3; x1 has 5, y1 has 7 (outside 1–5)
    expect(field('csat')).toMatchObject({nulls: 39, outOfRange: 1, documented: '1–5', required: false})
    expect(field('csat').nullShare).toBeCloseTo(39 / 41, 12)
    // customer_id: 8 anonymous bank calls (0 → empty), x1, x3 and y1 have none
    expect(field('customer_id')).toMatchObject({nulls: 11, outOfRange: 0})
    expect(field('phone')).toMatchObject({nulls: 41})
    expect(field('direction')).toMatchObject({nulls: 0, outOfRange: 0, documented: 'inbound|outbound', required: true})
    expect(report.findings[0]).toBe('calls.csat: 1 value outside 1–5 (loaded before ingest checked them)')
    expect(report.findings).toContain('calls: 1 rows quarantined (2.1% of read), most for out_of_range')
    expect((await qualityReport(store)).sources[0]!.rows).toBe(41)
  })

  it('an empty database has no sources and no findings', async () => {
    expect(await qualityReport(store)).toEqual({sources: [], findings: []})
  })
})
