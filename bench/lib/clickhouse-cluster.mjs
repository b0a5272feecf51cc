// A ClickHouse cluster on loopback for the warehouse test (test/helpers/clickhouse.ts) and bench/warehouse.mjs.
import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/** Debian's clickhouse-server (18.16); CI installs it (.ci/run). A test that needs it fails, never skips, without it. */
export const CLICKHOUSE_SERVER = ['/usr/bin/clickhouse-server', '/usr/sbin/clickhouse-server'].find((p) => existsSync(p))

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function configXml(dir, http, tcp, shards, cluster) {
  const shardXml = shards.map((s) => `<shard><replica><host>127.0.0.1</host><port>${s.tcp}</port></replica></shard>`).join('')
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <http_port>${http}</http_port>
  <tcp_port>${tcp}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  <remote_servers><${cluster}>${shardXml}</${cluster}></remote_servers>
</yandex>
`
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
`

async function waitForPing(url, child, log, deadlineMs) {
  const deadline = Date.now() + deadlineMs
  let exited = false
  child.once('exit', () => (exited = true))
  for (;;) {
    if (exited) throw new Error(`clickhouse-server exited before answering ${url}/ping:\n${log()}`)
    try {
      const response = await fetch(`${url}/ping`)
      if (response.ok) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`clickhouse-server did not answer ${url}/ping within ${deadlineMs} ms:\n${log()}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/**
 * Returns {url (the first server's HTTP URL), shardUrls, cluster, pids, stop()}.
 * Starts `shards` clickhouse-server processes on loopback, each with a config generated in its own temp dir (ports from
 * the OS, data in the temp dir) whose remote_servers names every shard: a cluster without ZooKeeper (no replication).
 */
export async function startClickHouseCluster(shards = 2, deadlineMs = 180_000) {
  if (!CLICKHOUSE_SERVER) throw new Error('clickhouse-server is not installed (apt-get install clickhouse-server; .ci/run installs it)')
  const cluster = 'ccx_test'
  const root = mkdtempSync(join(tmpdir(), 'ccx-clickhouse-'))
  const ports = []
  for (let i = 0; i < shards; i++) ports.push({http: await freePort(), tcp: await freePort()})
  const children = []
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve()
            child.once('exit', () => resolve())
            child.kill('SIGKILL')
          }),
      ),
    )
    rmSync(root, {recursive: true, force: true})
  }
  try {
    const urls = []
    for (let i = 0; i < shards; i++) {
      const dir = join(root, `shard${i + 1}`)
      for (const sub of ['data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(join(dir, sub), {recursive: true})
      writeFileSync(join(dir, 'users.xml'), USERS_XML)
      writeFileSync(join(dir, 'config.xml'), configXml(dir, ports[i].http, ports[i].tcp, ports, cluster))
      let output = ''
      const child = spawn(CLICKHOUSE_SERVER, ['--config-file', join(dir, 'config.xml')], {cwd: dir, stdio: ['ignore', 'pipe', 'pipe']})
      child.stdout?.on('data', (d) => (output = (output + String(d)).slice(-4000)))
      child.stderr?.on('data', (d) => (output = (output + String(d)).slice(-4000)))
      children.push(child)
      const url = `http://127.0.0.1:${ports[i].http}`
      urls.push(url)
      await waitForPing(url, child, () => output, deadlineMs)
    }
    return {url: urls[0], shardUrls: urls, cluster, pids: children.map((c) => c.pid), stop}
  } catch (error) {
    await stop()
    throw error
  }
}
