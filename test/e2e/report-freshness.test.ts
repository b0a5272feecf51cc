import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {ccxOk, ROOT, tempDir} from '../helpers/cli.js'

// One freshness policy for every report family: after more data is ingested, a report says which pipelines are
// stale (one stderr line, `stale` in the JSON) and still shows the numbers of the last run; --refresh runs them first.
// Real processes (bin/run.js) on real DuckDB files, with the hand-written sample files of fixtures/samples.

const SAMPLES = join(ROOT, 'fixtures/samples')
const SERVICE = join(ROOT, 'test/fixtures/service')
const dir = tempDir('ccx-freshness-')
afterAll(() => dir.cleanup())

const ok = (args: string[]) => ccxOk(args, {timeoutMs: 300_000})

describe('marketing reports', () => {
  const db = join(dir.path, 'marketing.duckdb')

  it('say they are stale after more probe data, and --refresh brings the new visitors in', async () => {
    await ok(['ingest', 'probe', join(SAMPLES, 'probe_events.csv'), '--db', db])
    await ok(['run', '--db', db])
    // samples: v-sample-guangzhou, -ipv6, -hangzhou, -beijing (v-sample-baiduspider is a bot)
    const fresh = await ok(['report', 'overview', '--db', db, '--json'])
    expect(fresh.json().stale).toEqual([])
    expect(fresh.json().kpis.visitors).toBe(4)
    expect(fresh.stderr).not.toMatch(/stale/)
    const funnel = await ok(['report', 'funnel', '--db', db, '--json'])
    expect(funnel.json().total[0].count).toBe(4)

    // the story adds four visitors: v-story-shenzhen, -changsha, -kunming, -shenyang
    await ok(['ingest', 'probe', join(SAMPLES, 'story/probe_events.csv'), '--db', db])
    const stale = await ok(['report', 'funnel', '--db', db, '--json'])
    expect(stale.json().stale).toContain('normalize')
    expect(stale.json().total[0].count).toBe(4) // the numbers of the last run, and it says so
    expect(stale.stderr).toMatch(/^stale: normalize \(inputs changed\).*--refresh/m)
    const table = await ok(['report', 'overview', '--db', db])
    expect(table.stderr).toMatch(/stale: normalize/)

    const refreshed = await ok(['report', 'funnel', '--db', db, '--refresh', '--json'])
    expect(refreshed.json().stale).toEqual([])
    expect(refreshed.json().total[0].count).toBe(8)
    const after = await ok(['report', 'overview', '--db', db, '--json'])
    expect(after.json().stale).toEqual([])
    expect(after.json().kpis.visitors).toBe(8)
  }, 600_000)
})

describe('service reports', () => {
  const db = join(dir.path, 'service.duckdb')

  it('say they are stale after more contacts, and --refresh counts them', async () => {
    await ok(['ingest', 'calls', join(SERVICE, 'calls.csv'), '--db', db])
    await ok(['run', 'service', '--db', db])
    const calls = await ok(['report', 'service', '--by', 'total', '--db', db, '--json'])
    expect(calls.json().stale).toEqual([])
    expect(calls.json().total.offered).toBe(7) // c1 … c8 inbound offered; c7 is outbound

    await ok(['ingest', 'chats', join(SERVICE, 'chats.ndjson'), '--db', db])
    for (const report of [['report', 'service', '--by', 'total'], ['report', 'agents'], ['report', 'layers'], ['staffing']]) {
      const r = await ok([...report, '--db', db, '--json'])
      expect(r.json().stale, report.join(' ')).toEqual(['service'])
      expect(r.stderr).toMatch(/stale: service \(inputs changed\)/)
    }
    const old = await ok(['report', 'service', '--by', 'total', '--db', db, '--json'])
    expect(old.json().total.offered).toBe(7)

    // four chats offered to agents (h1 … h5 without the bot-only h4): 7 + 4 = 11
    const refreshed = await ok(['report', 'service', '--by', 'total', '--db', db, '--refresh', '--json'])
    expect(refreshed.json().stale).toEqual([])
    expect(refreshed.json().total.offered).toBe(11)
  }, 600_000)
})

describe('telesales reports', () => {
  const db = join(dir.path, 'telesales.duckdb')

  it('say they are stale after more transcripts, and --refresh analyses them', async () => {
    // the sample transcripts hold two calls: S0006 first, S0007 later
    const lines = readFileSync(join(SAMPLES, 'transcripts.csv'), 'utf8').trimEnd().split('\n')
    const part = (id: string) => [lines[0], ...lines.filter((l) => l.startsWith(`${id},`))].join('\n') + '\n'
    writeFileSync(join(dir.path, 't6.csv'), part('call-S0006'))
    writeFileSync(join(dir.path, 't7.csv'), part('call-S0007'))
    await ok(['ingest', 'calls', join(SAMPLES, 'calls.csv'), '--db', db])
    await ok(['ingest', 'transcripts', join(dir.path, 't6.csv'), '--db', db])
    await ok(['run', 'telesales', '--db', db])
    const args = ['report', 'scripts', '--db', db, '--json', '--permutations', '19', '--bootstrap', '5']
    const one = await ok(args)
    expect(one.json().stale).toEqual([])
    expect(one.json().calls).toBe(1)

    await ok(['ingest', 'transcripts', join(dir.path, 't7.csv'), '--db', db])
    const stale = await ok(args)
    expect(stale.json().stale).toEqual(['telesales'])
    expect(stale.json().calls).toBe(1)
    expect(stale.stderr).toMatch(/stale: telesales \(inputs changed\)/)
    const rec = await ok(['scripts', 'recommend', '--stage', 'closing', '--db', db, '--json'])
    expect(rec.json().stale).toEqual(['telesales'])

    const refreshed = await ok([...args, '--refresh'])
    expect(refreshed.json().stale).toEqual([])
    expect(refreshed.json().calls).toBe(2)
  }, 600_000)
})
