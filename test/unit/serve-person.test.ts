import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {tempDir} from '../helpers/cli.js'
import {TEST_SITE} from '../helpers/serve.js'
import {startInProcess, type InProcessServe} from '../helpers/serve-app.js'
import {MemoryStateStore, type StateStore} from '../../src/serve/state.js'

/** A state store that answers only through promises, as Redis does (the asynchronous path of /collect). */
function asyncOnly(): StateStore {
  const m = new MemoryStateStore()
  return {
    getVisitor: (k) => m.getVisitor(k),
    setVisitor: (k, v) => m.setVisitor(k, v),
    agentLoads: (ids) => m.agentLoads(ids),
    assignAgent: (id, ttl) => m.assignAgent(id, ttl),
    close: async () => {},
  }
}

// Issue 16 #6: a member who logs in on a second device is the same person — routed back to the agent who served
// them on the first one, and counted as returning.

const SHENZHEN_IP = '113.116.1.1'
const PAGE = 'https://www.canon-like.cn/fax/l170'
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36'

// A first visit is invited to chat with a sales agent; a returning visitor with a previous agent goes back to them.
const SCENARIOS = {
  version: 1,
  scenarios: [
    {
      id: 'first-visit-invite',
      priority: 50,
      when: {visitNumber: {max: 1}},
      actions: [{type: 'invite', message: '您好，需要帮助吗？', route: {kind: 'skill_group', target: 'sales'}}],
      limits: {perVisit: 1},
    },
    {
      id: 'returning-previous-agent',
      priority: 60,
      when: {visitNumber: {min: 2}, hasPreviousAgent: true},
      actions: [{type: 'route', route: {kind: 'previous_agent', fallback: {kind: 'least_loaded', target: 'sales'}}}],
      limits: {perVisit: 1},
    },
  ],
}

interface Answer {
  directives: Array<{id: string; scenarioId: string; route?: {kind: string; agentId: string | null}}>
}

describe('serve routes a member back to their previous agent on any device', () => {
  const dirs: Array<{cleanup: () => void}> = []
  const servers: InProcessServe[] = []
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.stop().catch(() => {})
    for (const d of dirs.splice(0)) d.cleanup()
  })

  async function start(state?: StateStore): Promise<(visitor: string, events: object[]) => Promise<Answer>> {
    const dir = tempDir()
    dirs.push(dir)
    const scenarios = join(dir.path, 'scenarios.json')
    writeFileSync(scenarios, JSON.stringify(SCENARIOS))
    const s = await startInProcess(dir.path, {configExtra: {files: {scenarios}}, overrides: state ? {state} : {}})
    servers.push(s)
    return async (visitor, events) => {
      const res = await fetch(`${s.base}/collect`, {
        method: 'POST',
        body: JSON.stringify({site: TEST_SITE.id, key: TEST_SITE.key, visitor_id: visitor, events}),
        headers: {'content-type': 'text/plain', 'x-forwarded-for': SHENZHEN_IP, 'user-agent': CHROME},
      })
      expect(res.status).toBe(200)
      return (await res.json()) as Answer
    }
  }

  it.each([
    ['memory', () => undefined],
    ['asynchronous (Redis-like)', asyncOnly],
  ])('logs in on the phone, chats with an agent; on the PC, after login, is routed back to that agent (%s state)', async (_, state) => {
    const collect = await start(state())
    // phone: first visit, invited, logs in, accepts the invitation (the agent is now theirs)
    const first = await collect('v-phone', [{id: 'p1', type: 'pageview', url: PAGE}])
    const invite = first.directives.find((d) => d.scenarioId === 'first-visit-invite')!
    const agent = invite.route!.agentId!
    expect(['a1', 'a2']).toContain(agent)
    await collect('v-phone', [
      {id: 'p2', type: 'identify', member_id: 'm-2001'},
      {id: 'p3', type: 'invite_accepted', directive_id: invite.id},
    ])

    // PC: a new device, unknown before login (a first visit, no previous agent)
    const before = await collect('v-pc', [{id: 'c1', type: 'pageview', url: PAGE}])
    expect(before.directives.map((d) => d.scenarioId)).toEqual(['first-visit-invite'])
    // logs in: the person's previous agent and visit count apply
    const after = await collect('v-pc', [
      {id: 'c2', type: 'identify', member_id: 'm-2001'},
      {id: 'c3', type: 'pageview', url: PAGE},
    ])
    expect(after.directives.map((d) => [d.scenarioId, d.route?.kind, d.route?.agentId])).toEqual([
      ['returning-previous-agent', 'previous_agent', agent],
    ])
  })

  it('another member, or a device that never logs in, gets no one else’s agent', async () => {
    const collect = await start()
    const first = await collect('v-phone', [
      {id: 'p1', type: 'identify', member_id: 'm-1'},
      {id: 'p2', type: 'pageview', url: PAGE},
    ])
    const invite = first.directives[0]!
    await collect('v-phone', [{id: 'p3', type: 'invite_accepted', directive_id: invite.id}])

    const stranger = await collect('v-other', [
      {id: 'o1', type: 'identify', member_id: 'm-2'},
      {id: 'o2', type: 'pageview', url: PAGE},
    ])
    expect(stranger.directives.map((d) => d.scenarioId)).toEqual(['first-visit-invite'])
    const anonymous = await collect('v-anon', [{id: 'a1', type: 'pageview', url: PAGE}])
    expect(anonymous.directives.map((d) => d.scenarioId)).toEqual(['first-visit-invite'])
  })
})
