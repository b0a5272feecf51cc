import {spawn, type ChildProcess} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {ROOT, RUN_JS} from './cli.js'

export interface RunningServe {
  child: ChildProcess
  port: number
  base: string
  /** The admin listener (/live, /metrics, /healthz). */
  admin: string
  stderr: () => string
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

export const TEST_SITE = {
  id: 'canon-cn',
  name: 'Canon-like',
  industry: 'imaging',
  domain: 'www.canon-like.cn',
  key: 'k-test',
  allowedOrigins: ['http://allowed.test'],
}

/** Writes a config for serve tests (site key + origins, XFF trusted, two sales agents, a Shenzhen partner agent). */
export function writeServeConfig(dir: string, extra: Record<string, unknown> = {}, configExtra: Record<string, unknown> = {}): string {
  const path = join(dir, 'ccx.config.json')
  const config = {
    sites: [TEST_SITE, {id: 'open-site', allowedOrigins: []}],
    serve: {
      trustProxy: true,
      ratePerSecond: 1000,
      rateBurst: 1000,
      agents: [
        {id: 'a1', groups: ['sales'], maxConcurrent: 2},
        {id: 'a2', groups: ['sales'], maxConcurrent: 2},
        {id: 'p-sz', groups: ['partner'], cities: ['深圳市', '昆明市', '长沙市'], maxConcurrent: 5},
      ],
      ...extra,
    },
    ...configExtra,
  }
  writeFileSync(path, JSON.stringify(config, null, 2))
  return path
}

/**
 * Starts `bin/run.js serve` on free ports (public and admin) and waits for its "listening" line. `shellPrefix` runs it after
 * a shell prefix (e.g. `ulimit -f 64;`).
 */
export async function startServe(args: string[], cwd = ROOT, options: {shellPrefix?: string} = {}): Promise<RunningServe> {
  const argv = [RUN_JS, 'serve', '--port', '0', '--admin-port', '0', ...args]
  const child = options.shellPrefix
    ? spawn('/bin/sh', ['-c', `${options.shellPrefix} exec "$0" "$@"`, process.execPath, ...argv], {cwd, stdio: ['ignore', 'pipe', 'pipe']})
    : spawn(process.execPath, argv, {cwd, stdio: ['ignore', 'pipe', 'pipe']})
  let err = ''
  const [port, adminPort] = await new Promise<[number, number]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 180_000)
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString()
      const m = /"event":"listening".*?"port":(\d+).*?"adminPort":(\d+)/.exec(err)
      if (m) {
        clearTimeout(timer)
        resolve([Number(m[1]), Number(m[2])])
      }
    })
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)))
  })
  return {
    child,
    port,
    base: `http://127.0.0.1:${port}`,
    admin: `http://127.0.0.1:${adminPort}`,
    stderr: () => err,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode)
        child.once('exit', (code) => resolve(code))
        child.kill(signal)
      }),
  }
}
