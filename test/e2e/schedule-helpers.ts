import {spawn} from 'node:child_process'
import {RUN_JS} from '../helpers/cli.js'

/** Starts `ccx schedule` and stops it with SIGTERM once `enough` holds for its log lines (or after `maxMs`). */
export function scheduleUntil(
  args: string[],
  enough: (events: any[]) => boolean,
  maxMs = 240_000,
): Promise<{code: number | null; stderr: string; timedOut: boolean}> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [RUN_JS, 'schedule', ...args], {stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    let stopping = false
    let timedOut = false
    const stop = () => {
      if (stopping) return
      stopping = true
      child.kill('SIGTERM')
    }
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString()
      const events = stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l))
      if (enough(events)) stop()
    })
    child.stdout.resume()
    const timer = setTimeout(() => {
      timedOut = true
      stop()
    }, maxMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code, stderr, timedOut})
    })
  })
}
