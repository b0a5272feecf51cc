import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {ccx, ROOT, tempDir} from '../helpers/cli.js'

describe('ccx run', () => {
  it('runs every pipeline on a database that holds only web events (no calls, chats or transcripts), then skips them all', async () => {
    const dir = tempDir()
    const db = join(dir.path, 'ccx.duckdb')
    const ingest = await ccx(['ingest', 'probe', join(ROOT, 'fixtures/samples/probe_events.csv'), '--db', db, '--json'])
    expect(ingest.code, ingest.stderr).toBe(0)
    const first = await ccx(['run', '--db', db, '--json'])
    expect(first.code, first.stderr).toBe(0)
    const outcomes = first.json().outcomes as Array<{pipeline: string; status: string}>
    expect(outcomes.length).toBeGreaterThanOrEqual(6)
    expect(outcomes.filter((o) => o.status !== 'ran')).toEqual([])
    const second = await ccx(['run', '--db', db, '--json'])
    expect((second.json().outcomes as Array<{status: string}>).every((o) => o.status === 'skipped')).toBe(true)
    const list = await ccx(['run', '--list', '--db', db, '--json'])
    expect(list.json().pipelines.every((p: {state: string}) => p.state === 'up-to-date')).toBe(true)
    dir.cleanup()
  })
})
