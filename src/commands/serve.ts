import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'

export default class Serve extends BaseCommand<typeof Serve> {
  static description = `Answer the page probe in real time: enrich each batch, match scenarios, reply with directives.
Events are appended durably to segment files in --log-dir (by default on disk ~10 ms after the ack; before it with
--sync ack; docs/serve.md "Durability"); load closed segments with
"ccx ingest probe --from-log DIR". Serve never opens the DuckDB file, so batch jobs can write it meanwhile.`
  static examples = [
    '<%= config.bin %> serve --port 8787',
    '<%= config.bin %> serve --workers 2 --redis redis://127.0.0.1:6379',
    '<%= config.bin %> serve --host 0.0.0.0 --trusted-proxy 10.0.0.0/8',
  ]
  static flags = {
    port: Flags.integer({description: 'port to listen on (default 8787; 0 picks a free one)'}),
    host: Flags.string({description: 'address to bind (default 127.0.0.1)'}),
    'log-dir': Flags.string({description: 'folder of the durable event log (default ./ccx-events)'}),
    workers: Flags.integer({description: 'processes sharing the port (one per core)', default: 1, min: 1}),
    redis: Flags.string({description: 'Redis URL for state shared across processes and machines (visits, previous agent, agent load)'}),
    'admin-port': Flags.integer({description: 'port of the admin listener: /live, /metrics, /healthz (default: --port + 1)'}),
    'trust-proxy': Flags.boolean({
      description: 'read the client address from X-Forwarded-For set by trusted proxies (default: loopback and private networks)',
      allowNo: true,
    }),
    'trusted-proxy': Flags.string({
      description: 'address or CIDR block of a proxy in front of serve (repeatable; implies --trust-proxy)',
      multiple: true,
    }),
    'bot-kb': Flags.string({
      description: "answer POST /bot (the probe's chat panel) from this KB file, as `ccx kb export` writes it (config serve.botKb)",
    }),
    sync: Flags.string({
      description:
        'when /collect is acknowledged: interval = after the write, fsynced within serve.syncIntervalMs (default 10 ms); ack = after its fsync; off = after the write',
      options: ['interval', 'ack', 'off'],
    }),
  }

  async run(): Promise<{stopped: true}> {
    const {flags} = await this.parse(Serve)
    const {resolveFrom} = await import('../config/locate.js')
    const {parseServeConfig} = await import('../config/serve.js')
    const {runServe} = await import('../serve/run.js')
    const base = this.ccxConfig.config.serve
    const serve = {
      ...base,
      port: flags.port ?? base.port,
      host: flags.host ?? base.host,
      logDir: flags['log-dir'] ?? resolveFrom(this.ccxConfig.baseDir, base.logDir),
      adminPort: flags['admin-port'] ?? base.adminPort,
      trustProxy: flags['trust-proxy'] ?? (flags['trusted-proxy'] ? true : base.trustProxy),
      trustedProxies: flags['trusted-proxy']
        ? parseServeConfig({trustedProxies: flags['trusted-proxy']}).trustedProxies
        : base.trustedProxies,
      sync: (flags.sync as typeof base.sync | undefined) ?? base.sync,
      botKb: flags['bot-kb'] ?? (base.botKb ? resolveFrom(this.ccxConfig.baseDir, base.botKb) : undefined),
    }
    await runServe({config: this.ccxConfig, serve, workers: flags.workers, redisUrl: flags.redis, log: (line) => this.logToStderr(line)})
    return {stopped: true}
  }
}
