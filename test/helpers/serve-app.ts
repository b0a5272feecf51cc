import {join} from 'node:path'
import {loadConfig} from '../../src/config/load.js'
import {createServeApp, listen, proxyList, type Listening, type ServeApp, type ServeAppOptions} from '../../src/serve/app.js'
import {parseServeConfig} from '../../src/config/serve.js'
import {siteAccessMap} from '../../src/serve/cors.js'
import {createResponder} from '../../src/serve/responder.js'
import {SegmentLog, type SegmentLogOptions} from '../../src/serve/segment-log.js'
import {MemoryStateStore} from '../../src/serve/state.js'
import {ipAnonymizer} from '../../src/privacy/ip.js'
import {writeServeConfig} from './serve.js'

export interface InProcessServe {
  app: ServeApp
  listening: Listening
  log: SegmentLog
  logDir: string
  base: string
  admin: string
  stop: () => Promise<void>
}

/**
 * `ccx serve` in this process, on free ports: the same app `bin/run.js serve` builds (config → responder → app →
 * listen), with the test config of writeServeConfig plus `serveExtra`, and app options overridden by `overrides`.
 */
export async function startInProcess(
  dir: string,
  options: {
    serveExtra?: Record<string, unknown>
    configExtra?: Record<string, unknown>
    overrides?: Partial<ServeAppOptions>
    log?: Partial<SegmentLogOptions>
  } = {},
): Promise<InProcessServe> {
  const configPath = writeServeConfig(dir, options.serveExtra, options.configExtra)
  const config = loadConfig(configPath)
  const serve = parseServeConfig(config.config.serve)
  const logDir = join(dir, 'log')
  const state = new MemoryStateStore()
  const log = new SegmentLog({dir: logDir, sync: serve.sync, prefix: `seg-test-${process.pid}`, ...options.log})
  const responder = await createResponder(config, serve, {
    agentLoads: (ids) => state.agentLoads(ids),
    agentLoadsSync: state.agentLoadsSync.bind(state),
  })
  const app = createServeApp({
    log,
    state,
    responder,
    sites: siteAccessMap(config.config.sites),
    bodyLimitBytes: serve.bodyLimitBytes,
    ratePerSecond: serve.ratePerSecond,
    rateBurst: serve.rateBurst,
    trustedProxies: proxyList(serve.trustProxy, serve.trustedProxies),
    corsAnyOrigin: serve.corsAnyOrigin,
    maxInFlight: serve.maxInFlight,
    maxMemoryBytes: serve.maxMemoryMb * 1024 * 1024,
    adminToken: serve.adminToken,
    storedIp: ipAnonymizer(config.config.privacy.ip),
    ...options.overrides,
  })
  const listening = await listen(app, {port: 0, host: '127.0.0.1', adminPort: 0, requestTimeoutMs: serve.requestTimeoutMs})
  return {
    app,
    listening,
    log,
    logDir,
    base: `http://127.0.0.1:${listening.port}`,
    admin: `http://127.0.0.1:${listening.adminPort}`,
    stop: () => listening.drain(2000),
  }
}
