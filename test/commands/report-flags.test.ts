import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {ccx, ROOT, tempDir} from '../helpers/cli.js'

// Every `ccx report *` command has the same flags and the same date parser: the manifest lists them, and an
// impossible date is a usage error (exit 2) on every one of them before any database is opened or created.

const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {
  commands: Record<
    string,
    {flags: Record<string, {required?: boolean; type: string; options?: string[]}>; args: Record<string, {required?: boolean}>}
  >
}
const reportIds = Object.keys(manifest.commands)
  .filter((id) => id.startsWith('report:'))
  .sort()
const COMMON = ['from', 'to', 'site', 'json', 'csv', 'out', 'chart', 'refresh', 'wait', 'db', 'config']

/** The command line of a report id with a value for each required argument and flag. */
function argv(id: string, extra: string[]): string[] {
  const cmd = manifest.commands[id]
  const args = Object.values(cmd.args ?? {})
    .filter((a) => a.required)
    .map(() => 'v1')
  const flags = Object.entries(cmd.flags)
    .filter(([, f]) => f.required)
    .flatMap(([name, f]) => [`--${name}`, f.options?.[0] ?? 'https://example.com/'])
  return [...id.split(':'), ...args, ...flags, ...extra]
}

describe('report commands share one contract', () => {
  const dir = tempDir('ccx-report-flags-')
  afterAll(() => dir.cleanup())

  it('the manifest lists the seventeen reports, each with the common flags', () => {
    expect(reportIds).toEqual([
      'report:agents',
      'report:attribution',
      'report:exits',
      'report:funnel',
      'report:geo',
      'report:heatmap',
      'report:journey',
      'report:keywords',
      'report:layers',
      'report:overview',
      'report:paths',
      'report:profile',
      'report:qa',
      'report:quality',
      'report:scripts',
      'report:service',
      'report:sources',
      'report:survey',
    ])
    for (const id of reportIds) {
      const flags = Object.keys(manifest.commands[id].flags)
      for (const f of COMMON) expect(flags, `${id} --${f}`).toContain(f)
    }
  })

  it('--from 2026-02-30 exits 2 on every report, naming the date, and creates no database', async () => {
    const db = join(dir.path, 'never-created.duckdb')
    const results = await Promise.all(reportIds.map((id) => ccx(argv(id, ['--from', '2026-02-30', '--db', db]), {timeoutMs: 300_000})))
    results.forEach((r, i) => {
      expect(r.code, `${reportIds[i]}: ${r.stderr}`).toBe(2)
      expect(r.stderr, reportIds[i]).toMatch(/--from 2026-02-30 is not a calendar date/)
    })
    expect(existsSync(db)).toBe(false)
  }, 600_000)

  it('a missing database is exit 5 naming the file, and nothing is created (also in an empty folder)', async () => {
    const db = join(dir.path, 'typo.duckb')
    const results = await Promise.all(reportIds.map((id) => ccx(argv(id, ['--db', db]), {timeoutMs: 300_000})))
    results.forEach((r, i) => {
      expect(r.code, `${reportIds[i]}: ${r.stderr}`).toBe(5)
      expect(r.stderr.replace(/\s*\n\s*›?\s*/g, ' '), reportIds[i]).toContain(`database file not found: ${db}`)
    })
    expect(existsSync(db)).toBe(false)
    const empty = tempDir('ccx-empty-folder-')
    const r = await ccx(['report', 'funnel'], {cwd: empty.path})
    expect(r.code).toBe(5)
    expect(existsSync(join(empty.path, 'ccx.duckdb'))).toBe(false)
    empty.cleanup()
  }, 600_000)
})
