import {describe, expect, it, beforeEach, afterEach} from 'vitest'
import {Store} from '../../src/store/store.js'
import {orderPipelines, withUpstream, dependencies} from '../../src/pipelines/graph.js'
import {runPipelines, listPipelines} from '../../src/pipelines/runner.js'
import type {Pipeline, PipelineContext} from '../../src/pipelines/types.js'
import {loadConfig} from '../../src/config/load.js'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

function pipeline(name: string, reads: string[], writes: string[], calls: string[]): Pipeline {
  return {
    name,
    description: name,
    reads,
    writes,
    async run(ctx) {
      calls.push(name)
      for (const t of writes) await ctx.store.run(`create or replace table ${t} as select 1 as x`)
      return {rowsWritten: 1}
    },
  }
}

describe('pipeline graph', () => {
  it('orders pipelines after the writers of the tables they read', () => {
    const calls: string[] = []
    const ps = [
      pipeline('c', ['b_out'], ['c_out'], calls),
      pipeline('a', ['raw'], ['a_out'], calls),
      pipeline('b', ['a_out'], ['b_out'], calls),
    ]
    expect(orderPipelines(ps).map((p) => p.name)).toEqual(['a', 'b', 'c'])
    expect(withUpstream(ps, ['b']).map((p) => p.name)).toEqual(['a', 'b'])
    expect(dependencies(ps).get('c')).toEqual(['b'])
  })

  it('rejects cycles and two writers of one table', () => {
    const calls: string[] = []
    expect(() => orderPipelines([pipeline('a', ['y'], ['x'], calls), pipeline('b', ['x'], ['y'], calls)])).toThrow(/cycle/)
    expect(() => orderPipelines([pipeline('a', [], ['x'], calls), pipeline('b', [], ['x'], calls)])).toThrow(/one writer/)
    expect(() => withUpstream([pipeline('a', [], ['x'], calls)], ['nope'])).toThrow(/unknown pipeline: nope/)
  })
})

describe('runner', () => {
  let store: Store
  let ctx: PipelineContext
  beforeEach(async () => {
    store = await Store.open(':memory:')
    ctx = {store, config: loadConfig(undefined, '/nonexistent-dir-for-defaults'), log: () => {}}
  })
  afterEach(async () => store.close())

  it('stages heavy work before the transaction: a failing stage leaves the published table and runs nothing else', async () => {
    const staging = (fail: boolean): Pipeline => ({
      name: 'staged',
      description: 'staged',
      reads: ['raw_probe_events'],
      writes: ['out'],
      async stage(c) {
        await c.store.run(`create or replace table out__staged as select ${fail ? 2 : 1} as x`)
        if (fail) {
          await c.store.run('drop table out__staged')
          throw new Error('stage broke')
        }
        return {message: 'staged 1 row'}
      },
      async run(c) {
        await c.store.run('drop table if exists out; alter table out__staged rename to out')
        return {rowsWritten: 1, message: 'published'}
      },
    })
    const ok = await runPipelines([staging(false)], ctx)
    expect(ok[0]).toMatchObject({status: 'ran', message: 'staged 1 row; published'})
    await store.bumpTableVersion('raw_probe_events')
    const failed = await runPipelines([staging(true)], ctx)
    expect(failed[0]).toMatchObject({status: 'failed', message: 'stage broke'})
    expect(await store.all('select x from out')).toEqual([{x: 1}])
    expect(await store.tableExists('out__staged')).toBe(false)
    expect(await store.scalar(`select version from table_versions where table_name = 'out'`)).toBe(1)
  })

  it('runs in order, skips unchanged inputs, re-runs downstream of a changed table', async () => {
    const calls: string[] = []
    const ps = [pipeline('b', ['a_out'], ['b_out'], calls), pipeline('a', ['raw_probe_events'], ['a_out'], calls)]
    const first = await runPipelines(ps, ctx)
    expect(first.map((o) => [o.pipeline, o.status])).toEqual([
      ['a', 'ran'],
      ['b', 'ran'],
    ])
    const second = await runPipelines(ps, ctx)
    expect(second.map((o) => o.status)).toEqual(['skipped', 'skipped'])
    await store.bumpTableVersion('raw_probe_events')
    const third = await runPipelines(ps, ctx)
    expect(third.map((o) => o.status)).toEqual(['ran', 'ran'])
    expect(calls).toEqual(['a', 'b', 'a', 'b'])
    const listing = await listPipelines(ps, ctx)
    expect(listing.map((l) => [l.pipeline, l.state, l.dependsOn])).toEqual([
      ['a', 'up-to-date', []],
      ['b', 'up-to-date', ['a']],
    ])
  })

  it('a failing pipeline rolls back its writes and stops its downstream', async () => {
    const calls: string[] = []
    const failing: Pipeline = {
      name: 'a',
      description: 'fails',
      reads: [],
      writes: ['a_out'],
      async run(c) {
        await c.store.run('create table a_out as select 1 as x')
        throw new Error('boom')
      },
    }
    const out = await runPipelines([failing, pipeline('b', ['a_out'], ['b_out'], calls)], ctx)
    expect(out.map((o) => o.status)).toEqual(['failed', 'not-run'])
    expect(await store.tableExists('a_out')).toBe(false)
    expect((await listPipelines([failing], ctx))[0].state).toBe('failed')
  })
})

describe('store', () => {
  it('applies migrations once and converts BIGINT to numbers', async () => {
    const store = await Store.open(':memory:')
    const versions = await store.all<{version: number}>('select version from schema_migrations order by 1')
    expect(versions[0].version).toBe(1)
    expect(await store.scalar('select 40::BIGINT + 2')).toBe(42)
    await store.close()
  })
})

describe('checkpoints during a run', () => {
  it('keeps row groups as the run appended them (no vacuum merges), and restores the setting after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccx-vacuum-'))
    const store = await Store.open(join(dir, 'v.duckdb'))
    try {
      const rows = (n: number) => `select range as x, md5(range::VARCHAR) as y from range(${n})`
      // 130,000 rows: one full row group of 122,880 and a partly filled one, three times over
      await store.run(`create table t as ${rows(130_000)}; checkpoint`)
      const seen: number[] = []
      const grow: Pipeline = {
        name: 'grow',
        description: 'grow',
        reads: [],
        writes: ['t'],
        async run(c) {
          seen.push(Number(await c.store.scalar(`select current_setting('max_vacuum_tasks')::INTEGER`)))
          await c.store.run(`insert into t ${rows(130_000)}`)
          return {rowsWritten: 130_000}
        },
      }
      const ctx = {store, config: loadConfig(undefined, '/nonexistent-dir-for-defaults'), log: () => {}}
      for (let i = 0; i < 2; i++) await runPipelines([grow], ctx, {force: true})
      expect(seen).toEqual([0, 0])
      expect(await store.scalar(`select current_setting('max_vacuum_tasks')::INTEGER`)).toBe(100)
      // with DuckDB's default the checkpoints merge the partly filled groups: 4 row groups instead of these 6
      expect(await store.scalar(`select count(distinct row_group_id)::INTEGER from pragma_storage_info('t')`)).toBe(6)
      expect(await store.scalar('select count(*)::INTEGER from t')).toBe(390_000)
    } finally {
      await store.close()
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
