import {readFileSync} from 'node:fs'
import {afterEach, describe, expect, it} from 'vitest'
import {BotIndex} from '../../src/selfservice/bot/index.js'
import type {KbEntry} from '../../src/selfservice/kb/entry.js'
import {maskContactsInText} from '../../src/serve/bot.js'
import {closedSegments} from '../../src/serve/segment-log.js'
import {batchLogRows} from '../../src/vocab/event-log.js'
import {tempDir} from '../helpers/cli.js'
import {TEST_SITE} from '../helpers/serve.js'
import {startInProcess, type InProcessServe} from '../helpers/serve-app.js'

const kb: KbEntry[] = [
  {
    id: 'svc-station',
    version: 3,
    question: '维修站在哪里',
    similar: ['售后网点'],
    answer: '在服务网点查询页按城市查找。',
    category: 'service',
    scene: 'repair',
    links: [{kind: 'card', title: '服务网点查询', url: '/service/stations'}],
    followups: [],
  },
  {
    id: 'sup-driver',
    version: 1,
    question: '驱动在哪里下载',
    similar: [],
    answer: '在驱动下载页。',
    category: 'support',
    scene: null,
    links: [],
    followups: [],
  },
]

async function ask(base: string, body: unknown, origin?: string) {
  const res = await fetch(`${base}/bot`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: {'content-type': 'text/plain', ...(origin ? {origin} : {})},
  })
  return {status: res.status, body: (await res.json()) as any, headers: res.headers}
}

describe('serve POST /bot (in process)', () => {
  let s: InProcessServe | undefined
  const dir = tempDir('ccx-serve-bot-')
  afterEach(async () => {
    await s?.stop()
    s = undefined
  })

  it('answers from the KB with entry and version, logs the exchange before the answer, and masks a phone in the question', async () => {
    s = await startInProcess(dir.path, {overrides: {bot: {index: new BotIndex(kb), localNow: () => '2026-10-30 10:00:00.000'}}})
    const q = {site: TEST_SITE.id, key: TEST_SITE.key, visitor_id: 'v1', question: '维修站在哪里？电话13812345678'}
    const r = await ask(s.base, q, 'http://allowed.test')
    expect(r.status).toBe(200)
    expect(r.headers.get('access-control-allow-origin')).toBe('http://allowed.test')
    expect(r.body).toMatchObject({
      ok: true,
      answered: true,
      handed_over: false,
      entry: {id: 'svc-station', version: 3},
      links: [{kind: 'card', title: '服务网点查询', url: '/service/stations'}],
    })
    const person = await ask(s.base, {...q, question: '转人工'})
    expect(person.body).toMatchObject({answered: false, handed_over: true, reason: 'asked_for_person', answer: null})
    await s.stop()
    s = undefined
    const lines = closedSegments(`${dir.path}/log`).flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean))
    const rows = lines.flatMap((l) => batchLogRows(JSON.parse(l)).rows)
    expect(rows.map((x) => [x.type, x.visitor_id, x.ts])).toEqual([
      ['bot_exchange', 'v1', '2026-10-30 10:00:00.000'],
      ['bot_exchange', 'v1', '2026-10-30 10:00:00.000'],
    ])
    const props = JSON.parse(JSON.parse(rows[0].props as string).data)
    expect(props).toMatchObject({
      exchange_id: r.body.exchange_id,
      entry_id: 'svc-station',
      entry_version: 3,
      handed_over: false,
      reason: 'matched',
    })
    expect(props.question).toBe('维修站在哪里？电话138****5678')
    expect(rows[0].event_id).toBe(`${TEST_SITE.id}:v1:${r.body.exchange_id}`)
  })

  it('refuses what /collect refuses: wrong key, other origins, bad fields (naming them), too long a question', async () => {
    s = await startInProcess(dir.path, {overrides: {bot: {index: new BotIndex(kb), localNow: () => '2026-10-30 10:00:00.000'}}})
    const ok = {site: TEST_SITE.id, key: TEST_SITE.key, visitor_id: 'v1', question: '驱动'}
    expect((await ask(s.base, {...ok, key: 'wrong'})).status).toBe(403)
    expect((await ask(s.base, ok, 'http://evil.test')).status).toBe(403)
    const noQuestion = await ask(s.base, {...ok, question: ' '})
    expect(noQuestion.status).toBe(422)
    expect(noQuestion.body.message).toContain('question')
    const badContext = await ask(s.base, {...ok, context: {entry_id: 5}})
    expect([badContext.status, badContext.body.message]).toEqual([422, expect.stringContaining('context.entry_id')])
    expect((await ask(s.base, {...ok, question: '问'.repeat(501)})).status).toBe(413)
  })

  it('without a KB there is no /bot', async () => {
    s = await startInProcess(dir.path)
    const r = await fetch(`${s.base}/bot`, {method: 'POST', body: '{}'})
    expect(r.status).toBe(404)
    expect((await fetch(`${s.base}/chat.js`)).status).toBe(404)
  })

  it('serves the chat panel script with a bot: small, no eval, text-only rendering', async () => {
    s = await startInProcess(dir.path, {overrides: {bot: {index: new BotIndex(kb), localNow: () => '2026-10-30 10:00:00.000'}}})
    const res = await fetch(`${s.base}/chat.js`)
    expect(res.headers.get('content-type')).toMatch(/javascript/)
    const js = await res.text()
    // its own layout CSS (log, bubbles, chips) on the probe's widget base: still under 10 KB (≈ 3 KB gzipped)
    expect(js.length).toBeLessThan(10 * 1024)
    expect(js).not.toMatch(/\beval\(|new Function|innerHTML|insertAdjacentHTML|document\.write/)
  })

  it('masks phone numbers and e-mails typed into a question', () => {
    expect(maskContactsInText('我的手机 138-1234-5678，邮箱 li.lei@example.com')).toBe('我的手机 138****5678，邮箱 l***@example.com')
  })
})
