import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {compileScenarios, emptyState, evaluate, fireWithinLimits, limitCounter} from '../../src/scenarios/engine.js'
import {mulberry32} from '../../src/stats/random.js'
import type {ScenarioContext} from '../../src/scenarios/types.js'
import type {Directory} from '../../src/vocab/directives.js'
import type {ScenariosFile} from '../../src/vocab/scenarios.js'
import {checkScenariosText} from '../../src/scenarios/validate.js'

const ROOT = join(import.meta.dirname, '../..')
const defaults = checkScenariosText(readFileSync(join(ROOT, 'defaults/scenarios.json'), 'utf8')).file as ScenariosFile

// A tiny directory in the fixtures' format: the Shenzhen/Changsha/Kunming/Shenyang resources plus distractors.
const directory: Directory = {
  resources: [
    {
      id: 'rs-sz-1',
      type: 'repair_station',
      name: '佳能深圳维修站',
      province: '广东省',
      city: '深圳市',
      address: '福田区深南大道1号',
      phone: '0755-1',
    },
    {
      id: 'rs-gz-1',
      type: 'repair_station',
      name: '佳能广州维修站',
      province: '广东省',
      city: '广州市',
      address: '天河路1号',
      phone: '020-1',
    },
    {id: 'dl-cs-2', type: 'dealer', name: '长沙银牌经销商', province: '湖南省', city: '长沙市', tier: 'silver'},
    {id: 'dl-cs-1', type: 'dealer', name: '长沙金牌经销商', province: '湖南省', city: '长沙市', tier: 'gold'},
    {id: 'pt-km-1', type: 'partner', name: '昆明数码伙伴', province: '云南省', city: '昆明市'},
    {
      id: 'st-sy-1',
      type: 'store',
      name: '佳能沈阳专卖店',
      province: '辽宁省',
      city: '沈阳市',
      address: '和平区中华路1号',
      hours: '9:00-21:00',
    },
    {id: 'st-km-1', type: 'store', name: '佳能昆明专卖店', province: '云南省', city: '昆明市'},
  ],
}
const compiled = compileScenarios(defaults, directory)

const base: ScenarioContext = {
  intent: null,
  confidence: 0.9,
  province: null,
  city: null,
  source: null,
  medium: 'search',
  term: null,
  visitNumber: 1,
  dwellS: 30,
  pages: 1,
  url: 'https://www.canon.example/',
  hour: 10,
  device: 'desktop',
}

describe('scenario engine on the story visitors', () => {
  it('Shenzhen, Baidu "佳能维修站", first visit → the Shenzhen repair station card', () => {
    const {directives} = evaluate(
      {...base, intent: 'service_station', province: '广东省', city: '深圳市', source: 'Baidu', term: '佳能维修站'},
      compiled,
      emptyState(),
    )
    expect(directives[0]).toMatchObject({scenarioId: 'service-station-card', type: 'card', resource: {id: 'rs-sz-1'}})
    expect(directives[0].message).toContain('佳能深圳维修站')
  })
  it('Changsha, Google "佳能传真机报价", third visit → invitation routed to the Changsha (gold) dealer', () => {
    const {directives} = evaluate(
      {...base, intent: 'price_quote', province: '湖南省', city: '长沙市', source: 'Google', term: '佳能传真机报价', visitNumber: 3},
      compiled,
      emptyState(),
    )
    expect(directives[0]).toMatchObject({
      scenarioId: 'returning-quote-invite',
      type: 'invite',
      route: {kind: 'local_partner', target: 'dl-cs-1'},
    })
    expect(directives[0].message).toContain('长沙市')
  })
  it('Kunming, Sogou "买佳能数码相机", 2 minutes → chat with the Kunming partner', () => {
    const {directives} = evaluate(
      {...base, intent: 'purchase', province: '云南省', city: '昆明市', source: 'Sogou', term: '买佳能数码相机', dwellS: 120},
      compiled,
      emptyState(),
    )
    expect(directives[0]).toMatchObject({
      scenarioId: 'purchase-partner-chat',
      type: 'invite',
      route: {kind: 'local_partner', target: 'pt-km-1'},
    })
  })
  it('Shenyang, Google "佳能专卖店" → the Shenyang store card', () => {
    const {directives} = evaluate(
      {...base, intent: 'store_locator', province: '辽宁省', city: '沈阳市', source: 'Google', term: '佳能专卖店'},
      compiled,
      emptyState(),
    )
    expect(directives[0]).toMatchObject({scenarioId: 'store-locator-card', type: 'card', resource: {id: 'st-sy-1'}})
  })
})

describe('scenario engine rules', () => {
  it('falls back to the province, then skips a card with no resource', () => {
    const foshan = evaluate({...base, intent: 'service_station', province: '广东省', city: '佛山市'}, compiled).directives
    expect(foshan[0].resource?.id).toBe('rs-gz-1') // same province, first by id
    expect(evaluate({...base, intent: 'service_station', province: '西藏自治区', city: '拉萨市'}, compiled).directives).toEqual([])
  })
  it('routes to the fallback skill group when no local partner exists', () => {
    const d = evaluate({...base, intent: 'purchase', province: '西藏自治区', city: '拉萨市', dwellS: 90}, compiled).directives
    expect(d).toEqual([])
    // requireResource: false keeps the invite and uses the fallback route
    const file: ScenariosFile = {
      version: 1,
      limits: {},
      scenarios: [
        {
          ...defaults.scenarios.find((s) => s.id === 'purchase-partner-chat')!,
          actions: [{...defaults.scenarios.find((s) => s.id === 'purchase-partner-chat')!.actions[0], requireResource: false}],
        },
      ],
    }
    const d2 = evaluate({...base, intent: 'purchase', city: '拉萨市', dwellS: 90}, compileScenarios(file, directory)).directives
    expect(d2[0].route).toEqual({kind: 'skill_group', target: 'sales'})
  })
  it('does not fire below the dwell, visit-number or hour conditions', () => {
    expect(evaluate({...base, intent: 'purchase', city: '昆明市', dwellS: 59}, compiled).directives).toEqual([])
    const quote = evaluate({...base, intent: 'price_quote', city: '长沙市', visitNumber: 2}, compiled).directives
    expect(quote.map((d) => d.scenarioId)).not.toContain('returning-quote-invite')
    expect(evaluate({...base, intent: 'support', hour: 23}, compiled).directives.map((d) => d.scenarioId)).toEqual(['support-after-hours'])
    expect(evaluate({...base, intent: 'support', hour: 9}, compiled).directives.map((d) => d.scenarioId)).toEqual(['support-skill-group'])
  })
  it('keeps limits per page view, per visit and per visitor in the returned state, without mutating the input', () => {
    const ctx = {...base, intent: 'service_station', city: '深圳市', province: '广东省'}
    const s0 = emptyState()
    const first = evaluate(ctx, compiled, s0)
    expect(first.directives).toHaveLength(1)
    expect(s0).toEqual(emptyState())
    // same page view, same visit: perVisit 1 → nothing
    expect(evaluate(ctx, compiled, first.state).directives).toEqual([])
    // next page of the same visit: still nothing (perVisit 1)
    expect(evaluate({...ctx, pages: 2}, compiled, first.state).directives).toEqual([])
    // next visit: fires again
    const second = evaluate({...ctx, visitNumber: 2}, compiled, first.state)
    expect(second.directives).toHaveLength(1)
    expect(second.state.byScenario['service-station-card'].visitor).toBe(2)
  })
  it('caps all scenarios together with the file limits, highest priority first', () => {
    const file: ScenariosFile = {
      version: 1,
      limits: {perPageview: 1},
      scenarios: [
        {id: 'low', priority: 1, enabled: true, when: {}, actions: [{type: 'lead_form', message: 'low'}], limits: {}},
        {id: 'high', priority: 9, enabled: true, when: {}, actions: [{type: 'lead_form', message: 'high'}], limits: {}},
      ],
    }
    const c = compileScenarios(file)
    const a = evaluate(base, c)
    expect(a.directives.map((d) => d.scenarioId)).toEqual(['high'])
    const b = evaluate({...base, pages: 2}, c, a.state)
    expect(b.directives.map((d) => d.scenarioId)).toEqual(['high'])
  })
  it('routes a returning visitor to the agent who served them before', () => {
    const d = evaluate({...base, visitNumber: 2, previousAgent: 'agent-7'}, compiled).directives
    expect(d).toEqual([
      {scenarioId: 'returning-previous-agent', type: 'route', priority: 60, route: {kind: 'previous_agent', target: 'agent-7'}},
    ])
  })
  it("gives the widget its heading (placeholders filled) and the action's button wording", () => {
    const file = checkScenariosText(
      JSON.stringify({
        scenarios: [
          {
            id: 'station',
            when: {intent: ['service_station']},
            actions: [
              {
                type: 'card',
                title: '{city}的维修站',
                resource: {type: 'repair_station'},
                labels: {link: '查看路线', close: '关闭提示'},
              },
            ],
          },
        ],
      }),
    ).file as ScenariosFile
    const [d] = evaluate(
      {...base, intent: 'service_station', province: '广东省', city: '深圳市'},
      compileScenarios(file, directory),
    ).directives
    expect(d).toMatchObject({title: '深圳市的维修站', labels: {link: '查看路线', close: '关闭提示'}, resource: {id: 'rs-sz-1'}})
  })
  it('refuses a label the widgets do not know (strict: a typo is an error with its line)', () => {
    const text = '{"scenarios": [{"id": "x", "actions": [\n  {"type": "invite", "message": "hi", "labels": {"acept": "好"}}]}]}'
    const result = checkScenariosText(text)
    expect(result.issues.map((i) => [i.line, i.field])).toEqual([[2, 'scenarios.0.actions.0.labels.acept']])
  })
})

describe("limitCounter (the batch pipeline's limits)", () => {
  it('fires what fireWithinLimits fires, evaluation by evaluation, over random rules and visitors', () => {
    let firings = 0
    let cut = 0
    for (let seed = 1; seed <= 40; seed++) {
      const rnd = mulberry32(seed)
      const int = (n: number) => Math.floor(rnd() * n)
      const limit = () => (rnd() < 0.4 ? undefined : int(4))
      const limits = () => ({perPageview: limit(), perVisit: limit(), perVisitor: limit()})
      const count = 2 + int(5)
      const file: ScenariosFile = {
        version: 1,
        limits: rnd() < 0.3 ? {} : limits(),
        // ids repeat now and then: such scenarios share their counters
        scenarios: Array.from({length: count}, (_, i) => ({
          id: rnd() < 0.15 ? 'shared' : `s${i}`,
          priority: int(3),
          enabled: true,
          when: {},
          actions: [{type: 'lead_form' as const, message: 'x'}],
          limits: limits(),
        })),
      }
      const c = compileScenarios(file)
      const counter = limitCounter(c)
      for (let v = 0; v < 20; v++) {
        let state = emptyState()
        counter.reset()
        let visit = 1
        let pages = 1
        for (let e = 0; e < 1 + int(8); e++) {
          // the same page view again, the next page, or the next visit
          const r = rnd()
          if (r < 0.3) visit += 1
          else if (r < 0.7) pages += 1
          const candidate = Int32Array.from({length: count}, () => (rnd() < 0.6 ? 1 + int(2) : 0))
          const expected = fireWithinLimits(state, {visitNumber: visit, pages}, c, (i) => candidate[i]! > 0)
          state = expected.state
          const fired: number[] = []
          counter.fire(visit, pages, candidate, fired)
          expect(fired).toEqual(expected.fired)
          firings += fired.length
          cut += candidate.filter((x) => x > 0).length - fired.length
        }
      }
    }
    // the sequences exercised both firing and the limits refusing
    expect(firings).toBeGreaterThan(100)
    expect(cut).toBeGreaterThan(100)
  })
})
