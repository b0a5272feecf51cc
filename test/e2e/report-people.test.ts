import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ccx, tempDir} from '../helpers/cli.js'
import {PEOPLE_DIR, PEOPLE_FILES} from '../helpers/people-fixture.js'

// The planted people through the CLI as a user runs it: ingest each file, `ccx run`, then the person reports.
describe('ccx report profile / paths / journey on the planted people (e2e)', () => {
  const dir = tempDir('ccx-people-e2e-')
  const db = ['--db', join(dir.path, 'ccx.duckdb')]
  beforeAll(async () => {
    for (const [source, file] of PEOPLE_FILES) {
      const r = await ccx(['ingest', source, join(PEOPLE_DIR, file), ...db])
      expect(r.code, r.stderr).toBe(0)
    }
    const run = await ccx(['run', ...db])
    expect(run.code, run.stderr).toBe(0)
  }, 540_000)
  afterAll(() => dir.cleanup())

  it('profile by a typed phone number finds Li, shows the number masked, and writes a page', async () => {
    const html = join(dir.path, 'profile.html')
    const r = await ccx(['report', 'profile', '+86 138-1234-5678', ...db, '--json', '--out', html])
    expect(r.code, r.stderr).toBe(0)
    const p = r.json()
    expect([p.customer_id, p.matched]).toEqual(['customer:C-2001', {kind: 'phone', id: '138****5678'}])
    expect(r.stdout).not.toContain('13812345678')
    const page = readFileSync(html, 'utf8')
    expect(page).toContain('customer:C-2001')
    expect(page).toContain('ord-li-1')
    expect(page).not.toContain('13812345678')
  }, 300_000)

  it('a placeholder id is refused with its code and the reason', async () => {
    const r = await ccx(['report', 'profile', '0', ...db])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/placeholder/)
    expect(r.stderr).toMatch(/SHARED_ID/)
  }, 300_000)

  it('paths --json and journey by member id', async () => {
    const paths = await ccx(['report', 'paths', ...db, '--json'])
    expect(paths.code, paths.stderr).toBe(0)
    const first = paths.json().paths[0]
    expect([first.path, first.persons, first.converted]).toEqual(['web → chat', 3, 2])
    const journey = await ccx(['report', 'journey', 'm-2001', ...db, '--json'])
    expect(journey.code, journey.stderr).toBe(0)
    expect(journey.json().visitors).toEqual(['v-li-pc', 'v-li-phone'])
  }, 300_000)
})
