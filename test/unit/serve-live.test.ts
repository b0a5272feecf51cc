import {describe, expect, it} from 'vitest'
import {LiveHub} from '../../src/serve/live.js'
import {Metrics} from '../../src/serve/metrics.js'
import {emptyTop, reduceTop, totalFired, visitorsByRecency, type TopState} from '../../src/serve/top-model.js'
import type {FiredDirective, LiveVisitor} from '../../src/serve/types.js'

// The live feed's memory of directives fired (issue 19: `ccx top` showed a directive only until the visitor's next
// batch) and the console's model of it.

function visitor(id: string, fired: string[] = [], extra: Partial<LiveVisitor> = {}): LiveVisitor {
  return {
    site: 's',
    visitorId: id,
    lastSeen: '2026-11-23T08:00:00.000Z',
    ts: '2026-11-23 16:00:00.000',
    city: '深圳市',
    intent: 'service_station',
    visitNumber: 1,
    directives: fired,
    fired: fired.length ? fired.map((scenarioId, i) => ({id: `${scenarioId}.${i}`, scenarioId, type: 'card'})) : undefined,
    ...extra,
  }
}

/** What a /live client is sent on connect: the snapshot and the directives event, through a fake response. */
function connect(hub: LiveHub): {events: Array<{event: string; data: any}>; close: () => void} {
  const events: Array<{event: string; data: any}> = []
  const handlers: Record<string, () => void> = {}
  const res = {
    writableLength: 0,
    writeHead: () => res,
    write: (text: string) => {
      for (const block of text.split('\n\n').filter(Boolean)) {
        const event = /^event: (.*)$/m.exec(block)?.[1]
        const data = /^data: (.*)$/m.exec(block)?.[1]
        if (event && data) events.push({event, data: JSON.parse(data)})
      }
      return true
    },
    on: (name: string, fn: () => void) => (handlers[name] = fn),
    end: () => {},
    destroy: () => {},
  }
  const req = {on: (name: string, fn: () => void) => (handlers[`req:${name}`] = fn)}
  hub.handle(req as never, res as never)
  return {events, close: () => handlers.close?.()}
}

describe('live feed: directives fired', () => {
  it('keeps the directives fired for a visitor across their later batches, and lists and counts each one once', () => {
    const metrics = new Metrics()
    const hub = new LiveHub({metrics, now: () => Date.parse('2026-11-23T08:00:01Z')})
    const first = visitor('v1', ['station-card'])
    hub.publish(first)
    hub.publish(visitor('v1')) // the next batch fires nothing
    hub.publish(visitor('v2', ['quote-invite'], {intent: 'price_quote', city: '长沙市'}))
    const client = connect(hub)
    client.close()
    const [snapshot, directives] = client.events
    expect(snapshot.event).toBe('snapshot')
    expect(snapshot.data.map((v: LiveVisitor) => [v.visitorId, v.directives, v.fired])).toEqual([
      ['v1', ['station-card'], undefined],
      ['v2', ['quote-invite'], undefined],
    ])
    expect(directives.event).toBe('directives')
    expect(directives.data.recent.map((d: FiredDirective) => [d.ts, d.visitorId, d.city, d.intent, d.type, d.scenarioId])).toEqual([
      ['2026-11-23 16:00:00.000', 'v1', '深圳市', 'service_station', 'card', 'station-card'],
      ['2026-11-23 16:00:00.000', 'v2', '长沙市', 'price_quote', 'card', 'quote-invite'],
    ])
    expect(directives.data).toMatchObject({online: 2, totals: {card: 2}, windowMs: 300_000, now: '2026-11-23T08:00:01.000Z'})
    // the object handed in (relayed as is to sibling workers) keeps the batch's own view
    expect(first.fired).toHaveLength(1)
  })

  it('streams a visitor event with the kept directives and a directive event per directive fired', () => {
    const hub = new LiveHub({metrics: new Metrics()})
    const client = connect(hub)
    hub.publish(visitor('v1', ['a']))
    hub.publish(visitor('v1', ['b', 'c']))
    client.close()
    expect(client.events.slice(2).map((e) => [e.event, e.data.directives ?? e.data.scenarioId])).toEqual([
      ['visitor', ['a']],
      ['directive', 'a'],
      ['visitor', ['a', 'b', 'c']],
      ['directive', 'b'],
      ['directive', 'c'],
    ])
  })

  it('bounds what it keeps: directives per visitor, recent directives, and halves them under memory pressure (totals stay)', () => {
    const hub = new LiveHub({metrics: new Metrics(), recentDirectives: 4, directivesPerVisitor: 2})
    for (let i = 0; i < 6; i++) hub.publish(visitor('v1', [`s${i}`]))
    let client = connect(hub)
    client.close()
    expect(client.events[0].data[0].directives).toEqual(['s4', 's5'])
    expect(client.events[1].data.recent.map((d: FiredDirective) => d.scenarioId)).toEqual(['s2', 's3', 's4', 's5'])
    hub.shed(0.5)
    client = connect(hub)
    client.close()
    expect(client.events[1].data.recent.map((d: FiredDirective) => d.scenarioId)).toEqual(['s4', 's5'])
    expect(client.events[1].data.totals).toEqual({card: 6})
  })
})

describe('ccx top model', () => {
  const stats = (now: string, totals: Record<string, number>) => ({online: 0, totals, now, windowMs: 300_000})

  it('lists directives after their visitors move on, counts by the server, and drops visitors the server no longer counts', () => {
    let s: TopState = emptyTop()
    s = reduceTop(s, {
      type: 'snapshot',
      visitors: [visitor('old', [], {lastSeen: '2026-11-23T07:54:00.000Z'}), visitor('v1', ['a'], {lastSeen: '2026-11-23T07:59:00.000Z'})],
    })
    const fired = (scenarioId: string, visitorId: string): FiredDirective => ({
      ts: '2026-11-23 16:00:00.000',
      site: 's',
      visitorId,
      id: scenarioId,
      scenarioId,
      type: 'card',
    })
    s = reduceTop(s, {type: 'directives', value: {recent: [fired('a', 'v1')], ...stats('2026-11-23T08:00:00.000Z', {card: 1})}})
    // the server's window (5 minutes before its clock): "old" (seen 6 minutes before) is gone
    expect(visitorsByRecency(s).map((v) => v.visitorId)).toEqual(['v1'])
    s = reduceTop(s, {type: 'visitor', value: visitor('v2', ['b'], {lastSeen: '2026-11-23T08:00:02.000Z'})})
    s = reduceTop(s, {type: 'directive', value: fired('b', 'v2')})
    s = reduceTop(s, {type: 'visitor', value: visitor('v2', ['b'], {lastSeen: '2026-11-23T08:00:03.000Z'})})
    expect(s.recent.map((d) => d.scenarioId)).toEqual(['a', 'b'])
    expect([totalFired(s), s.visitors.size]).toEqual([2, 2])
    // five minutes on, with no new batch: v1 (07:59) leaves the visitors but its directive stays listed
    s = reduceTop(s, {type: 'stats', value: stats('2026-11-23T08:04:30.000Z', {card: 2})})
    expect(visitorsByRecency(s).map((v) => v.visitorId)).toEqual(['v2'])
    expect(s.recent.map((d) => d.visitorId)).toEqual(['v1', 'v2'])
    expect(s.totals).toEqual({card: 2})
  })
})
