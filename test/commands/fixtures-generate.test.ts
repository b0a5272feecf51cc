import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import FixturesGenerate from '../../src/commands/fixtures/generate.js'
import {ROOT, tempDir} from '../helpers/cli.js'

describe('fixtures generate (command, in process)', () => {
  const dir = tempDir('ccx-fixtures-cmd-')
  afterAll(() => dir.cleanup())

  it('returns the typed summary and honours --end-date and --events', async () => {
    const out = join(dir.path, 'd')
    const result = await FixturesGenerate.run(
      ['--out', out, '--days', '2', '--events', '1500', '--seed', 'cmd', '--end-date', '2026-02-28', '--json'],
      ROOT,
    )
    expect(result.from).toBe('2026-02-27')
    expect(result.to).toBe('2026-02-28')
    expect(result.files.find((f) => f.file === 'probe_events.csv')!.rows).toBeGreaterThanOrEqual(1500)
    expect(result.durationMs).toBeGreaterThanOrEqual(0)
    const days = new Set(
      readFileSync(join(out, 'probe_events.csv'), 'utf8')
        .split('\n')
        .slice(1)
        .filter(Boolean)
        .map((l) => l.split(',')[1]!.slice(0, 10)),
    )
    expect([...days].sort()).toEqual(['2026-02-27', '2026-02-28'])
  })

  it('refuses a day that does not exist before writing anything', async () => {
    const out = join(dir.path, 'bad')
    await expect(FixturesGenerate.run(['--out', out, '--end-date', '2026-02-30', '--json'], ROOT)).rejects.toThrow(
      /--end-date "2026-02-30" is not a date/,
    )
    expect(existsSync(out)).toBe(false)
  })
})
