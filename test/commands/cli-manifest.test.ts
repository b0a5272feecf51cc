import {execFileSync} from 'node:child_process'
import {readFileSync, readdirSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'
import {pathToFileURL} from 'node:url'
import {describe, expect, it} from 'vitest'
import {ROOT, RUN_JS, ccx, tempDir} from '../helpers/cli.js'

function commandFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return commandFiles(path)
    return name.endsWith('.js') ? [path] : []
  })
}

const commandsDir = join(ROOT, 'dist/commands')
const idOf = (file: string) =>
  relative(commandsDir, file)
    .replace(/\.js$/, '')
    .replace(/\/index$/, '')
    .split('/')
    .join(':')

describe('CLI skeleton', () => {
  it('oclif.manifest.json is fresh: it lists every built command with its current flags', async () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8'))
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    expect(manifest.version).toBe(pkg.version)
    const ids = commandFiles(commandsDir).map(idOf).sort()
    expect(Object.keys(manifest.commands).sort()).toEqual(ids)
    for (const file of commandFiles(commandsDir)) {
      const mod = await import(pathToFileURL(file).href)
      const flags = Object.keys({
        ...mod.default.baseFlags,
        ...mod.default.flags,
        ...(mod.default.enableJsonFlag ? {json: true} : {}),
      }).sort()
      expect(Object.keys(manifest.commands[idOf(file)].flags).sort(), `flags of ${idOf(file)}`).toEqual(flags)
    }
  })

  it('every command has --json', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8'))
    for (const [id, cmd] of Object.entries<any>(manifest.commands)) expect(cmd.flags.json, id).toBeDefined()
  })

  it('--help loads no heavy module (DuckDB, Vega, Ink, jieba, resvg)', () => {
    const dir = tempDir()
    const log = join(dir.path, 'imports.log')
    const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8'))
    const topics = [...new Set(Object.keys(manifest.commands).map((id) => id.split(':')[0]))]
    for (const args of [['--help'], ...topics.map((t) => [t, '--help'])]) {
      execFileSync(process.execPath, ['--import', pathToFileURL(join(ROOT, 'test/helpers/import-recorder.mjs')).href, RUN_JS, ...args], {
        env: {...process.env, IMPORT_LOG: log},
        stdio: 'pipe',
      })
    }
    const loaded = readFileSync(log, 'utf8')
    for (const heavy of ['@duckdb', '/vega/', '/vega-lite/', '/ink/', '@node-rs/jieba', '@resvg', 'apache-arrow', 'ip2region']) {
      expect(loaded.includes(heavy), `${heavy} loaded by --help`).toBe(false)
    }
    dir.cleanup()
  })

  it('a second writer with --wait 0 gets a clear "database is in use" error', async () => {
    const dir = tempDir()
    const db = join(dir.path, 'busy.duckdb')
    const {spawn} = await import('node:child_process')
    const holder = spawn(
      process.execPath,
      [
        '-e',
        // keeps the instance referenced (a collected instance releases the lock) until it is killed
        `import('@duckdb/node-api').then(async m => { globalThis.held = await m.DuckDBInstance.create(${JSON.stringify(db)}); console.log('held'); setInterval(() => {}, 1 << 30) })`,
      ],
      {cwd: ROOT},
    )
    await new Promise<void>((r) => holder.stdout.once('data', () => r()))
    const result = await ccx(['run', '--list', '--db', db, '--wait', '0']).finally(() => holder.kill('SIGKILL'))
    expect(result.code).toBe(4)
    expect(result.stderr.replace(/\s*\n\s*›?\s*/g, ' ')).toMatch(/database is in use by .*PID \d+.*use --db/)
    dir.cleanup()
  })
})

describe('README', () => {
  it('lists every command (the build writes the list from the manifest)', async () => {
    const {updateReadme} = await import('../../scripts/readme-commands.mjs')
    const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8'))
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    expect(updateReadme(readme, manifest)).toBe(readme)
    for (const id of Object.keys(manifest.commands)) expect(readme).toContain(`ccx ${id.split(':').join(' ')}`)
  })

  it('keeps exactly two set-up commands, and they are the ones CI and users run', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    const setUp = readme.split('## Set up')[1].split('\n## ')[0]
    const block = /```sh\n([\s\S]*?)```/.exec(setUp)![1].trim().split('\n')
    expect(block.map((l) => l.replace(/\s+#.*$/, ''))).toEqual(['npm ci && npm run demo', 'npm test'])
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toMatch(/npm ci[^\n]*\nnpm test\n/)
  })
})
