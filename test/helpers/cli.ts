import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {expect} from 'vitest'

export const ROOT = resolve(import.meta.dirname, '../..')
export const RUN_JS = join(ROOT, 'bin/run.js')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
  json: () => any
}

/** Runs the built CLI (`bin/run.js`) as a user would; `npm test` builds first. */
export function ccx(
  args: string[],
  options: {cwd?: string; env?: Record<string, string>; input?: string; timeoutMs?: number} = {},
): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    const child = execFile(
      process.execPath,
      [RUN_JS, ...args],
      {
        cwd: options.cwd ?? ROOT,
        env: {...process.env, NO_COLOR: '1', ...options.env},
        maxBuffer: 256 * 1024 * 1024,
        timeout: options.timeoutMs ?? 540_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as any).code === 'number' ? (error as any).code : 1) : 0
        resolvePromise({code, stdout, stderr, json: () => JSON.parse(stdout)})
      },
    )
    if (options.input !== undefined) child.stdin?.end(options.input)
  })
}

/** `ccx(args)` that must exit 0: the test fails naming the command and its stderr otherwise. */
export async function ccxOk(args: string[], options: Parameters<typeof ccx>[1] = {}): Promise<CliResult> {
  const r = await ccx(args, options)
  expect(r.code, `ccx ${args.join(' ')}\n${r.stderr}`).toBe(0)
  return r
}

/** What `ccx fixtures generate` writes for the marketing side, with the source each file loads as. */
export const GENERATED_SOURCES: ReadonlyArray<readonly [string, string]> = [
  ['probe', 'probe_events.csv'],
  ['calls', 'calls.csv'],
  ['chats', 'chats.ndjson'],
  ['leads', 'leads.csv'],
  ['orders', 'orders.csv'],
]

/** `ccx ingest SOURCE DIR/FILE --db DB` for each pair; each must exit 0. */
export async function ingestEach(db: string, dir: string, sources: ReadonlyArray<readonly [string, string]>): Promise<void> {
  for (const [source, file] of sources) {
    const r = await ccx(['ingest', source, join(dir, file), '--db', db, '--json'])
    if (r.code !== 0) throw new Error(`ccx ingest ${source} ${file} exited ${r.code}\n${r.stderr}`)
  }
}

export function tempDir(prefix = 'ccx-test-'): {path: string; cleanup: () => void} {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return {path, cleanup: () => rmSync(path, {recursive: true, force: true})}
}

export interface RunningCcx {
  child: import('node:child_process').ChildProcess
  /** Everything the process wrote so far. */
  stdout: () => string
  stderr: () => string
  /** Resolves when `stream` has printed something matching `pattern` (rejects if the process exits first). */
  waitFor: (stream: 'stdout' | 'stderr', pattern: RegExp) => Promise<void>
  /** Resolves with the exit code (and output) when the process ends. */
  exited: Promise<CliResult>
}

/** Starts the built CLI without waiting for it: for tests that act while a command runs (no sleeps: wait for output). */
export async function spawnCcx(args: string[], options: {cwd?: string; env?: Record<string, string>} = {}): Promise<RunningCcx> {
  const {spawn} = await import('node:child_process')
  const child = spawn(process.execPath, [RUN_JS, ...args], {
    cwd: options.cwd ?? ROOT,
    env: {...process.env, NO_COLOR: '1', ...options.env},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  let closed: number | null | undefined
  const watchers: Array<{stream: 'stdout' | 'stderr'; pattern: RegExp; resolve: () => void; reject: (e: Error) => void}> = []
  const check = () => {
    for (const w of [...watchers]) {
      if (w.pattern.test(w.stream === 'stdout' ? out : err)) {
        watchers.splice(watchers.indexOf(w), 1)
        w.resolve()
      }
    }
  }
  child.stdout!.on('data', (d) => ((out += d), check()))
  child.stderr!.on('data', (d) => ((err += d), check()))
  const exited = new Promise<CliResult>((resolvePromise) =>
    child.on('close', (code) => {
      closed = code
      for (const w of watchers.splice(0)) w.reject(new Error(`process exited (${code}) before ${w.stream} matched ${w.pattern}: ${err}`))
      resolvePromise({code: code ?? 1, stdout: out, stderr: err, json: () => JSON.parse(out)})
    }),
  )
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor: (stream, pattern) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(stream === 'stdout' ? out : err)) return resolve()
        if (closed !== undefined) return reject(new Error(`process exited (${closed}) before ${stream} matched ${pattern}: ${err}`))
        watchers.push({stream, pattern, resolve, reject})
      }),
    exited,
  }
}
