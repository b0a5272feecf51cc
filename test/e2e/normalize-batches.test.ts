import {copyFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {ccxOk, GENERATED_SOURCES, tempDir} from '../helpers/cli.js'
import {compareDatabases} from '../helpers/incremental.js'

const ok = (args: string[]) => ccxOk(args, {timeoutMs: 900_000})

describe('a full rebuild in batches of visitors (bounded memory)', () => {
  it('gives the rows of a single pass, row by row, in every published table', async () => {
    const dir = tempDir('ccx-batches-')
    const data = join(dir.path, 'data')
    await ok(['fixtures', 'generate', '--out', data, '--visitors', '800', '--days', '10', '--seed', 'batches', '--json'])
    const single = join(dir.path, 'single.duckdb')
    await ok(['sites', 'import', join(data, 'sites.json'), '--db', single, '--json'])
    const loaded: Record<string, number> = {}
    for (const [source, file] of GENERATED_SOURCES)
      loaded[source] = (await ok(['ingest', source, join(data, file), '--db', single, '--json'])).json().totals.loaded as number
    const events = loaded.probe
    const batched = join(dir.path, 'batched.duckdb')
    copyFileSync(single, batched)

    // the default limit holds the demo in one pass; a small batch size forces several
    const outcome = await ok(['run', '--db', single, '--json'])
    expect(outcome.json().outcomes.find((o: {pipeline: string}) => o.pipeline === 'normalize').mode).toBe('full')
    const config = join(dir.path, 'ccx.config.json')
    const perBatch = Math.ceil(events / 7)
    writeFileSync(config, JSON.stringify({store: {rebuildBatchEvents: perBatch}}))
    const r = await ok(['run', '--db', batched, '--config', config])
    expect(r.stderr).toContain('full rebuild in 7 batches of visitors')

    const diffs = await compareDatabases(single, batched)
    expect(diffs.filter((d) => d.onlyA + d.onlyB > 0 || d.rowsA !== d.rowsB)).toEqual([])
    expect(diffs.find((d) => d.table === 'events')!.rowsA).toBe(events)
    expect(diffs.find((d) => d.table === 'sessions')!.rowsA).toBeGreaterThan(100)
    dir.cleanup()
  }, 900_000)
})
