import {afterAll, describe, expect, it} from 'vitest'
import {describeFailure} from '../../src/cli/failures.js'
import {closest, editDistance} from '../../src/vocab/nearest.js'
import {CcxError, EXIT} from '../../src/errors.js'
import {ccx, tempDir} from '../helpers/cli.js'

// Every failure under --json is one small object on stdout with the README's exit code; without --json, a message on
// stderr. A mistyped command or flag gets a "did you mean".

const dir = tempDir()
afterAll(() => dir.cleanup())
const run = (args: string[]) => ccx(args, {cwd: dir.path})

function expectErrorJson(stdout: string, code: string) {
  expect(Buffer.byteLength(stdout)).toBeLessThan(1024)
  const parsed = JSON.parse(stdout)
  expect(Object.keys(parsed)).toEqual(['error'])
  expect(Object.keys(parsed.error).sort()).toEqual(['code', 'message', 'suggestions'])
  expect(parsed.error.code).toBe(code)
  expect(typeof parsed.error.message).toBe('string')
  expect(Array.isArray(parsed.error.suggestions)).toBe(true)
  return parsed.error as {code: string; message: string; suggestions: string[]}
}

describe('--json errors', () => {
  it('an unknown flag: under 1 KB on stdout, exit 2, did you mean', async () => {
    const r = await run(['report', 'funnel', '--json', '--form', '2026-01-01'])
    expect(r.code).toBe(EXIT.usage)
    const e = expectErrorJson(r.stdout, 'UNKNOWN_FLAG')
    expect(e.message).toBe('Nonexistent flag: --form')
    expect(e.suggestions).toContain('Did you mean --from?')
    expect(r.stderr).toBe('')
  })

  it('a flag value of the wrong type or outside its options: exit 2', async () => {
    const a = await run(['report', 'funnel', '--json', '--limit', 'abc'])
    expect(a.code).toBe(EXIT.usage)
    expect(expectErrorJson(a.stdout, 'INVALID_FLAG_VALUE').message).toContain('--limit')
    const b = await run(['report', 'funnel', '--json', '--unit', 'household'])
    expect(b.code).toBe(EXIT.usage)
    expect(expectErrorJson(b.stdout, 'INVALID_FLAG_VALUE').message).toContain('visitor, session')
  })

  it('a missing argument: exit 2', async () => {
    const r = await run(['parse', 'ip', '--json'])
    expect(r.code).toBe(EXIT.usage)
    expectErrorJson(r.stdout, 'MISSING_ARGUMENT')
  })

  it('a CcxError keeps its code, exit code and suggestions', async () => {
    const r = await run(['report', 'funnel', '--json', '--config', 'nowhere.json'])
    expect(r.code).toBe(EXIT.invalidConfig)
    expect(expectErrorJson(r.stdout, 'CONFIG_MISSING').message).toContain('nowhere.json')
  })

  it("a command's own this.error keeps its exit code", async () => {
    const r = await run(['report', 'keywords', '--json', '--fdr', '2'])
    expect(r.code).toBe(EXIT.usage)
    const parsed = JSON.parse(r.stdout)
    expect(Buffer.byteLength(r.stdout)).toBeLessThan(1024)
    expect(parsed.error.message).toContain('--fdr')
  })

  it('a mistyped command: did you mean, exit 2', async () => {
    const r = await run(['report', 'funnle', '--json', '--from', '2026-01-01'])
    expect(r.code).toBe(EXIT.usage)
    const e = expectErrorJson(r.stdout, 'UNKNOWN_COMMAND')
    expect(e.suggestions).toContain('Did you mean `ccx report funnel`?')
  })
})

describe('human errors (no --json)', () => {
  it('a mistyped command names the nearest ones on stderr, exit 2', async () => {
    const topic = await run(['reprt'])
    expect(topic.code).toBe(EXIT.usage)
    expect(topic.stdout).toBe('')
    expect(topic.stderr).toContain('"reprt" is not a ccx command')
    expect(topic.stderr).toContain('Did you mean `ccx report`?')
    const bare = await run(['histroy'])
    expect(bare.stderr).toContain('Did you mean `ccx jobs history`?')
  })

  it('a mistyped flag: did you mean on stderr, exit 2', async () => {
    const r = await run(['report', 'funnel', '--stagse', 'leads,orders'])
    expect(r.code).toBe(EXIT.usage)
    expect(r.stdout).toBe('')
    expect(r.stderr.replace(/\s*\n\s*›?\s*/g, ' ')).toContain('Did you mean --stages?')
  })

  it('a CcxError is a message on stderr with its exit code', async () => {
    const r = await run(['report', 'funnel', '--config', 'nowhere.json'])
    expect(r.code).toBe(EXIT.invalidConfig)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('config file not found')
  })
})

describe('ccx version', () => {
  it('prints the same line as --version, and a typed result with --json', async () => {
    const [cmd, flag, json] = await Promise.all([run(['version']), run(['--version']), run(['version', '--json'])])
    expect(cmd.code).toBe(0)
    expect(cmd.stdout).toBe(flag.stdout)
    expect(cmd.stdout).toMatch(/^ccx\/\d+\.\d+\.\d+ /)
    expect(json.json()).toEqual({
      name: 'ccx',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      node: process.versions.node,
      platform: process.platform,
      arch: process.arch,
    })
  })
})

describe('describeFailure', () => {
  it('an unexpected error is INTERNAL, exit 1, with the message kept', () => {
    const f = describeFailure(new TypeError("Cannot read properties of undefined (reading 'x')"))
    expect(f).toMatchObject({code: 'INTERNAL', exit: EXIT.failure, message: "Cannot read properties of undefined (reading 'x')"})
    expect(f.suggestions).toHaveLength(1)
  })

  it('a CcxError is passed through', () => {
    const e = new CcxError('bad line 3', {code: 'BAD', exit: EXIT.badInput, suggestions: ['fix it']})
    expect(describeFailure(e)).toEqual({code: 'BAD', message: 'bad line 3', suggestions: ['fix it'], exit: EXIT.badInput})
  })
})

describe('did you mean', () => {
  it('edit distance counts a swap of neighbours as one edit', () => {
    expect(editDistance('form', 'from')).toBe(1)
    expect(editDistance('funnle', 'funnel')).toBe(1)
    expect(editDistance('reprt', 'report')).toBe(1)
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('', 'abc')).toBe(3)
  })

  it('proposes only near names, nearest first, and truncated names', () => {
    const flags = ['from', 'to', 'site', 'stages', 'stages-file', 'json', 'limit', 'by']
    expect(closest('form', flags)).toEqual(['from'])
    expect(closest('stagse', flags)).toEqual(['stages'])
    expect(closest('stag', flags)).toEqual(['stages', 'stages-file'])
    expect(closest('xyzzy', flags)).toEqual([])
    expect(closest('from', flags)).toEqual([])
  })
})
