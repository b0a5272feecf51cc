import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {ccx, tempDir} from '../helpers/cli.js'
import {Store} from '../../src/store/store.js'
import {sqlString} from '../../src/store/values.js'

describe('ccx fixtures generate (bin/run.js)', () => {
  const dir = tempDir('ccx-fixtures-e2e-')
  afterAll(() => dir.cleanup())

  it('writes the files, prints a JSON summary, and DuckDB reads them with the staging types', async () => {
    const out = join(dir.path, 'data')
    const res = await ccx([
      'fixtures',
      'generate',
      '--days',
      '5',
      '--visitors',
      '300',
      '--seed',
      'e2e',
      '--out',
      out,
      '--end-date',
      '2026-06-30',
      '--json',
    ])
    expect(res.code, res.stderr).toBe(0)
    const summary = res.json()
    expect(summary).toMatchObject({out, seed: 'e2e', from: '2026-06-26', to: '2026-06-30', visitors: 300})
    const files = Object.fromEntries(summary.files.map((f: {file: string; rows: number}) => [f.file, f.rows]))
    expect(Object.keys(files).sort()).toEqual([
      'bot_questions.ndjson',
      'calls.csv',
      'chats.ndjson',
      'kb.json',
      'leads.csv',
      'orders.csv',
      'probe_events.csv',
      'sites.json',
      'survey_responses.ndjson',
      'transcripts.csv',
    ])
    expect(readFileSync(join(out, 'probe_events.csv'), 'utf8').trimEnd().split('\n').length - 1).toBe(files['probe_events.csv'])

    const store = await Store.open(':memory:')
    try {
      const csv = (f: string) => `read_csv(${sqlString(join(out, f))}, header = true, auto_detect = true)`
      const probe = await store.one<{n: number; first: Date; last: Date; visitors: number}>(
        `select count(*)::INTEGER as n, min(ts::TIMESTAMP) as first, max(ts::TIMESTAMP) as last, count(distinct visitor_id)::INTEGER as visitors from ${csv('probe_events.csv')}`,
      )
      expect(probe!.n).toBe(files['probe_events.csv'])
      expect(probe!.visitors).toBe(300)
      expect(probe!.first.toISOString() >= '2026-06-26T00:00:00').toBe(true)
      expect(probe!.last.toISOString() <= '2026-06-30T23:59:59.999Z').toBe(true)
      const orphans = await store.scalar<number>(
        `select count(*)::INTEGER from ${csv('leads.csv')} l where l.visitor_id is not null and l.visitor_id not in (select visitor_id from ${csv('probe_events.csv')})`,
      )
      expect(orphans).toBe(0)
      const chats = await store.scalar<number>(
        `select count(*)::INTEGER from read_json(${sqlString(join(out, 'chats.ndjson'))}, format = 'newline_delimited')`,
      )
      expect(chats).toBe(files['chats.ndjson'])
    } finally {
      await store.close()
    }
  })

  it('a bad --end-date is a usage error that says what to write', async () => {
    const res = await ccx(['fixtures', 'generate', '--out', join(dir.path, 'x'), '--end-date', '2026-13-45'])
    expect(res.code).toBe(2)
    expect(res.stderr).toMatch(/--end-date .*YYYY-MM-DD/s)
  })
})
