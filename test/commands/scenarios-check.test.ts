import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {ccx, tempDir} from '../helpers/cli.js'

const tmp = tempDir('ccx-scen-check-')
afterAll(() => tmp.cleanup())

describe('ccx scenarios check', () => {
  it('accepts the shipped file', async () => {
    const r = await ccx(['scenarios', 'check', 'defaults/scenarios.json', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json()).toMatchObject({valid: true, issues: []})
  })
  it('fails with exit 6, naming the line and field', async () => {
    const file = join(tmp.path, 'bad.json')
    writeFileSync(
      file,
      [
        '{',
        '  "scenarios": [',
        '    {"id": "a",',
        '     "when": {"visitNumber": {"min": "3"}},',
        '     "actions": [{"type": "lead_form"}]}',
        '  ]',
        '}',
      ].join('\n'),
    )
    const r = await ccx(['scenarios', 'check', file], {env: {OCLIF_COLUMNS: '400'}})
    expect(r.code).toBe(6)
    expect(r.stderr).toContain('bad.json:4: scenarios.0.when.visitNumber.min')
  })
  it('flags an intent the intents file does not define', async () => {
    const file = join(tmp.path, 'intent.json')
    writeFileSync(file, JSON.stringify({scenarios: [{id: 'a', when: {intent: ['repairs']}, actions: [{type: 'lead_form'}]}]}, null, 2))
    const r = await ccx(['scenarios', 'check', file], {env: {OCLIF_COLUMNS: '400'}})
    expect(r.code).toBe(6)
    expect(r.stderr).toMatch(/intent\.json:7: scenarios\.0\.when\.intent\.0: unknown intent "repairs"/)
    expect(readFileSync(file, 'utf8').split('\n')[6]).toContain('"repairs"')
  })
})
