import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {loadConfig, parseConfigText} from '../../src/config/load.js'
import {ConfigSchema} from '../../src/config/schema.js'
import {EXIT, type CcxError} from '../../src/errors.js'
import {loadPipelines} from '../../src/pipelines/registry.js'
import {benchmarksPath} from '../../src/reports/marketing/benchmarks.js'
import {PIPELINE_NAMES} from '../../src/vocab/pipelines.js'
import {ROOT, ccx, tempDir} from '../helpers/cli.js'

const tmp = tempDir()
afterAll(() => tmp.cleanup())

/** The error a config text gets (message and exit code). */
function problemOf(text: string): {message: string; exit: number} {
  try {
    parseConfigText(text, 'ccx.config.json')
  } catch (error) {
    return {message: (error as CcxError).message, exit: (error as CcxError).exit}
  }
  throw new Error('the config was accepted')
}

const jsonBlocks = (doc: string) => [...readFileSync(join(ROOT, 'docs', doc), 'utf8').matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1])

describe('config validation', () => {
  it('refuses unknown keys at every level, naming the line, the field and the nearest known key', () => {
    const text = [
      '{',
      '  "timezone": "Asia/Shanghai",',
      '  "sesions": {"inactivityMinutes": 30},',
      '  "files": {',
      '    "benchmark": "b.json"',
      '  },',
      '  "serve": {"prot": 8080, "agents": [{"id": "a1", "group": ["sales"]}]},',
      '  "jobs": [{"name": "n", "schedule": "0 2 * * *", "steps": [',
      '    {"kind": "ingest", "source": "calls", "from": "drop", "patern": "*.csv"}',
      '  ]}]',
      '}',
    ].join('\n')
    const {message, exit} = problemOf(text)
    expect(exit).toBe(EXIT.invalidConfig)
    expect(message.split('\n').slice(1)).toEqual([
      'ccx.config.json:3: sesions: unknown key "sesions"; did you mean "sessions"?',
      'ccx.config.json:5: files.benchmark: unknown key "benchmark"; did you mean "benchmarks"?',
      'ccx.config.json:7: serve.agents[0].group: unknown key "group"; did you mean "groups"?',
      'ccx.config.json:7: serve.prot: unknown key "prot"; did you mean "port"?',
      'ccx.config.json:9: jobs[0].steps[0].patern: unknown key "patern"; did you mean "pattern"?',
    ])
  })

  it('refuses a time zone that is not an IANA name, at the top and in a job', () => {
    const {message} = problemOf(
      '{\n  "timezone": "Asia/Shangai",\n  "jobs": [{"name": "n", "schedule": "* * * * *", "timezone": "UTC+8", "steps": [{"kind": "run"}]}]\n}',
    )
    expect(message).toContain('ccx.config.json:2: timezone: "Asia/Shangai" is not an IANA time zone; did you mean "Asia/Shanghai"?')
    expect(message).toContain('ccx.config.json:3: jobs[0].timezone: "UTC+8" is not an IANA time zone')
  })

  it('refuses a job step naming a pipeline that does not exist', () => {
    const {message} = problemOf(
      '{"jobs": [\n {"name": "n", "schedule": "* * * * *", "steps": [\n  {"kind": "run", "pipelines": ["normalize", "sessions"]}]}]}',
    )
    expect(message).toContain('ccx.config.json:3: jobs[0].steps[0].pipelines[1]: unknown pipeline "sessions"; pipelines: normalize,')
  })

  it('names the line of a JSON syntax error', () => {
    const {message, exit} = problemOf('{\n  "db": "x.duckdb",\n  "timezone": "Asia/Shanghai"\n  "sites": []\n}')
    expect(exit).toBe(EXIT.invalidConfig)
    expect(message).toMatch(/not valid JSON: .*line 4/)
  })

  it('keeps a serve section written before `sync` existed meaning what it meant', () => {
    expect(parseConfigText('{"serve": {"fsync": true}}', 'c').serve.sync).toBe('ack')
    expect(parseConfigText('{"serve": {"fsync": false}}', 'c').serve.sync).toBe('off')
    expect(parseConfigText('{}', 'c').serve.sync).toBe('interval')
  })

  it('refuses reports.excludeBots: false (every report leaves bots out) instead of ignoring it', () => {
    expect(problemOf('{"reports": {"excludeBots": false}}').message).toContain('reports.excludeBots: reports always leave bot sessions out')
  })
})

describe('the defaults without a config file', () => {
  it('the build wrote exactly the schema defaults (commands use them without loading zod)', () => {
    // `npm test` builds first: dist/config/defaults.generated.json is scripts/config-defaults.mjs's output
    const built = JSON.parse(readFileSync(join(ROOT, 'dist/config/defaults.generated.json'), 'utf8'))
    expect(built).toStrictEqual(ConfigSchema.parse({}))
  })
})

describe('docs/config.md and docs/ops.md', () => {
  it('their JSON examples are valid configs', () => {
    const examples = [...jsonBlocks('config.md'), ...jsonBlocks('ops.md').filter((b) => b.includes('"jobs"'))]
    expect(examples.length).toBeGreaterThanOrEqual(2)
    for (const text of examples) expect(() => parseConfigText(text, 'example')).not.toThrow()
  })

  it('the key table documents every key of the schema', () => {
    const doc = readFileSync(join(ROOT, 'docs/config.md'), 'utf8')
    const documented = new Set([...doc.matchAll(/^\| `([a-zA-Z.*[\]]+)`/gm)].map((m) => m[1].replace(/[.[].*$/, '')))
    const keys = Object.keys(ConfigSchema.shape).filter((k) => k !== '$schema')
    expect([...documented].sort()).toEqual(keys.sort())
  })
})

describe('every documented key is read', () => {
  it('files.benchmarks: relative to the config file, else the shipped file', () => {
    const config = {config: ConfigSchema.parse({files: {benchmarks: 'rules/bench.json'}}), baseDir: '/etc/ccx'}
    expect(benchmarksPath(config)).toBe('/etc/ccx/rules/bench.json')
    expect(benchmarksPath({config: ConfigSchema.parse({}), baseDir: '/etc/ccx'})).toBe(join(ROOT, 'defaults', 'benchmarks.json'))
  })

  it('report keywords reads files.benchmarks from the config', async () => {
    const path = join(tmp.path, 'ccx.config.json')
    writeFileSync(path, JSON.stringify({db: 'k.duckdb', files: {benchmarks: 'missing-benchmarks.json'}}))
    const r = await ccx(['report', 'keywords', '--json'], {cwd: tmp.path})
    expect(r.code).toBe(EXIT.badInput)
    expect(r.json().error.message).toBe(`benchmarks file not found: ${join(tmp.path, 'missing-benchmarks.json')}`)
    expect(loadConfig(undefined, tmp.path).path).toBe(path)
  })
})

describe('pipeline names', () => {
  it('the vocabulary lists exactly the pipelines the registry loads', async () => {
    const names = (await loadPipelines()).map((p) => p.name)
    expect([...names].sort()).toEqual([...PIPELINE_NAMES].sort())
  })
})
