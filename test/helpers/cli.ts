import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

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

export function tempDir(prefix = 'ccx-test-'): {path: string; cleanup: () => void} {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return {path, cleanup: () => rmSync(path, {recursive: true, force: true})}
}
