import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync} from 'node:fs'
import {createServer} from 'node:net'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {tempDir} from '../helpers/cli.js'
import {startServe, writeServeConfig, TEST_SITE, type RunningServe} from '../helpers/serve.js'

const REDIS = '/usr/bin/redis-server'

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as any).port
      s.close(() => resolve(port))
    })
  })
}

describe.skipIf(!existsSync(REDIS))('ccx serve --redis: two nodes share visitor state', () => {
  const dir = tempDir()
  let redis: ChildProcess
  let a: RunningServe
  let b: RunningServe
  beforeAll(async () => {
    const port = await freePort()
    redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {stdio: 'pipe'})
    await new Promise<void>((resolve) => redis.stdout!.on('data', (d: Buffer) => d.toString().includes('Ready to accept') && resolve()))
    writeServeConfig(dir.path)
    const url = `redis://127.0.0.1:${port}`
    a = await startServe(['--log-dir', join(dir.path, 'log-a'), '--redis', url], dir.path)
    b = await startServe(['--log-dir', join(dir.path, 'log-b'), '--redis', url], dir.path)
  })
  afterAll(async () => {
    await a?.stop()
    await b?.stop()
    redis?.kill('SIGKILL')
    dir.cleanup()
  })

  it('a directive limited to once per visit fires on node A and not again on node B; the visit count carries over', async () => {
    const post = async (s: RunningServe, id: string) => {
      const body = {
        site: TEST_SITE.id,
        key: TEST_SITE.key,
        visitor_id: 'shared-visitor',
        events: [
          {
            id,
            type: 'pageview',
            url: 'https://www.canon-like.cn/service/stations',
            title: '佳能维修站查询',
            referrer: 'https://www.baidu.com/s?wd=%BC%D1%C4%DC%CE%AC%D0%DE%D5%BE&ie=gb2312',
          },
        ],
      }
      const res = await fetch(`${s.base}/collect`, {
        method: 'POST',
        body: JSON.stringify(body),
        // a browser's user agent: Node's fetch says "node", which the bot list counts as a script
        headers: {
          'x-forwarded-for': '113.116.1.1',
          'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
        },
      })
      return (await res.json()) as any
    }
    const first = await post(a, 'e1')
    expect(first.directives.map((d: any) => d.scenarioId)).toContain('service-station-card')
    const second = await post(b, 'e2')
    expect(second.directives.map((d: any) => d.scenarioId)).not.toContain('service-station-card')
    const top = await fetch(`${b.admin}/live`)
    const reader = top.body!.getReader()
    const {value} = await reader.read()
    await reader.cancel()
    expect(new TextDecoder().decode(value)).toMatch(/"visitorId":"shared-visitor".*"visitNumber":1/)
  })
})
