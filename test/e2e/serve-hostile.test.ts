import {spawn} from 'node:child_process'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {ROOT} from '../helpers/cli.js'

// Two cases of `npm run test:hostile` (scripts/hostile.mjs) that need real processes: the event log's disk filling up
// (a tmpfs when root may mount one, else `ulimit -f`: a real partial write), and `--workers 2` with workers SIGKILLed
// under load. The script checks every acknowledged event in DuckDB; the other eight cases run in process in
// test/unit/serve-app.test.ts and beside it.
function hostile(cases: number[]): Promise<{code: number | null; out: string}> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts/hostile.mjs'), ...cases.map(String)], {stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('exit', (code) => resolve({code, out}))
  })
}

describe('ccx serve under hostile conditions', () => {
  it('disk full on the event log, and workers killed under load: no crash, no acknowledged event lost', async () => {
    const r = await hostile([1, 3])
    expect(r.out).toMatch(/PASS {2}1\. disk full/)
    expect(r.out).toMatch(/PASS {2}3\. --workers 2/)
    expect(r.out).toMatch(/cases 2, passed 2, crashes 0, acknowledged events \d+, lost 0, duplicated 0/)
    expect(r.code, r.out).toBe(0)
  }, 300_000)
})
