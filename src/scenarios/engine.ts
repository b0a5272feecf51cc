import {findResource, indexDirectory, placeKey, type DirectoryIndex} from './directory.js'
import type {Directive, Directory, Resource} from '../vocab/directives.js'
import type {Action, Conditions, Limits, NumberRange, Scenario, ScenariosFile} from '../vocab/scenarios.js'
import type {LimitState, ScenarioContext} from './types.js'

/** Scenarios in firing order (priority high → low, then id) with the directory indexed once. */
export interface CompiledScenarios {
  limits: Limits
  scenarios: Scenario[]
  directory: DirectoryIndex
}

export function compileScenarios(file: ScenariosFile, directory: Directory = {resources: []}): CompiledScenarios {
  const scenarios = file.scenarios
    .filter((s) => s.enabled)
    .slice()
    .sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return {limits: file.limits, scenarios, directory: indexDirectory(directory)}
}

export function emptyState(): LimitState {
  return {visitNumber: null, pages: null, total: {visitor: 0, visit: 0, pageview: 0}, byScenario: {}}
}

/** Starts new visit / page-view counters when the context moved to another visit or page view. */
function rollState(state: LimitState, ctx: {visitNumber: number; pages: number}): LimitState {
  const newVisit = state.visitNumber !== ctx.visitNumber
  const newPage = newVisit || state.pages !== ctx.pages
  const byScenario: LimitState['byScenario'] = {}
  for (const id in state.byScenario) {
    const c = state.byScenario[id]
    byScenario[id] = {visitor: c.visitor, visit: newVisit ? 0 : c.visit, pageview: newPage ? 0 : c.pageview}
  }
  return {
    visitNumber: ctx.visitNumber,
    pages: ctx.pages,
    total: {visitor: state.total.visitor, visit: newVisit ? 0 : state.total.visit, pageview: newPage ? 0 : state.total.pageview},
    byScenario,
  }
}

function underLimits(counts: {visitor: number; visit: number; pageview: number}, limits: Limits): boolean {
  return (
    (limits.perPageview === undefined || counts.pageview < limits.perPageview) &&
    (limits.perVisit === undefined || counts.visit < limits.perVisit) &&
    (limits.perVisitor === undefined || counts.visitor < limits.perVisitor)
  )
}

const lower = (s: string | null | undefined) => (s ?? '').toLowerCase()
const inRange = (v: number, r: NumberRange) => (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max)

/** Conditions on free text (case-insensitive, place names without their suffix): SQL evaluates them per distinct value. */
export const TEXT_CONDITIONS = {
  province: 'province',
  city: 'city',
  source: 'source',
  medium: 'medium',
  termContains: 'term',
  urlContains: 'url',
  device: 'device',
} as const satisfies Partial<Record<keyof Conditions, keyof ScenarioContext>>
export type TextCondition = keyof typeof TEXT_CONDITIONS

/** Whether a text condition of `w` holds for a context whose field (TEXT_CONDITIONS) has this value; true when absent. */
export function textConditionHolds(w: Conditions, condition: TextCondition, value: string | null | undefined): boolean {
  switch (condition) {
    case 'province':
      return !w.province || w.province.some((p) => placeKey(p) === placeKey(value) && placeKey(p) !== '')
    case 'city':
      return !w.city || w.city.some((c) => placeKey(c) === placeKey(value) && placeKey(c) !== '')
    case 'source':
      return !w.source || w.source.some((s) => lower(s) === lower(value))
    case 'medium':
      return !w.medium || w.medium.some((s) => lower(s) === lower(value))
    case 'termContains':
      return !w.termContains || w.termContains.some((s) => lower(value).includes(lower(s)))
    case 'urlContains':
      return !w.urlContains || w.urlContains.some((s) => lower(value).includes(lower(s)))
    case 'device':
      return !w.device || w.device.some((d) => lower(d) === lower(value))
  }
}

export function conditionsHold(w: Conditions, ctx: ScenarioContext): boolean {
  if (w.intent && !(ctx.intent !== null && w.intent.includes(ctx.intent))) return false
  if (w.minConfidence !== undefined && ctx.confidence < w.minConfidence) return false
  for (const c of Object.keys(TEXT_CONDITIONS) as TextCondition[]) if (!textConditionHolds(w, c, ctx[TEXT_CONDITIONS[c]])) return false
  if (w.visitNumber && !inRange(ctx.visitNumber, w.visitNumber)) return false
  if (w.dwellS && !inRange(ctx.dwellS, w.dwellS)) return false
  if (w.pages && !inRange(ctx.pages, w.pages)) return false
  if (w.hour) {
    const {from, to} = w.hour
    const h = ctx.hour
    if (from <= to ? !(h >= from && h < to) : !(h >= from || h < to)) return false
  }
  if (w.hasPreviousAgent !== undefined && Boolean(ctx.previousAgent) !== w.hasPreviousAgent) return false
  if (w.on && !w.on.some((t) => ctx.events?.includes(t))) return false
  return true
}

function fill(template: string, ctx: ScenarioContext, resource?: Resource): string {
  return template.replace(/\{([\w.]+)\}/g, (whole, key: string) => {
    const value: Record<string, string | null | undefined> = {
      city: ctx.city,
      province: ctx.province,
      term: ctx.term,
      intent: ctx.intent,
      'resource.name': resource?.name,
      'resource.phone': resource?.phone,
      'resource.address': resource?.address,
      'resource.hours': resource?.hours,
      'resource.city': resource?.city,
    }
    return key in value ? (value[key] ?? '') : whole
  })
}

/** One action → one directive, or none when its resource or route cannot be resolved. */
function directiveFor(s: Scenario, a: Action, ctx: ScenarioContext, directory: DirectoryIndex): Directive | undefined {
  const resource = a.resource ? findResource(directory, a.resource, ctx.city, ctx.province) : undefined
  if (a.resource && !resource && a.requireResource !== false) return undefined
  const d: Directive = {scenarioId: s.id, type: a.type, priority: s.priority}
  if (resource) d.resource = resource
  if (a.message) d.message = fill(a.message, ctx, resource)
  if (a.title) d.title = fill(a.title, ctx, resource)
  if (a.labels) d.labels = a.labels
  if (a.survey) d.survey = a.survey
  if (a.route) {
    let target: string | undefined
    if (a.route.kind === 'local_partner') target = resource?.id
    else if (a.route.kind === 'previous_agent') target = ctx.previousAgent ?? undefined
    else target = a.route.target
    if (target) d.route = {kind: a.route.kind, target}
    else if (a.route.fallback) d.route = {kind: a.route.fallback.kind, target: a.route.fallback.target}
    else return undefined
  }
  return d
}

/**
 * The firing limits of one evaluation: rolls `state` to this visit and page view, then fires, in priority order, each
 * scenario that `candidate(i)` accepts (conditions hold and it gives a directive) while the file's and the scenario's
 * limits allow. Returns the indexes (into compiled.scenarios) that fired and the new state (the input is not changed).
 * Shared by `evaluate` and the scenarios pipeline, which decides candidates in SQL.
 */
export function fireWithinLimits(
  state: LimitState,
  at: {visitNumber: number; pages: number},
  compiled: CompiledScenarios,
  candidate: (i: number) => boolean,
): {fired: number[]; state: LimitState} {
  const next = rollState(state, at)
  const fired: number[] = []
  for (let i = 0; i < compiled.scenarios.length; i++) {
    if (!underLimits(next.total, compiled.limits)) break
    const s = compiled.scenarios[i]!
    const counts = next.byScenario[s.id] ?? {visitor: 0, visit: 0, pageview: 0}
    if (!underLimits(counts, s.limits)) continue
    if (!candidate(i)) continue
    fired.push(i)
    next.byScenario[s.id] = {visitor: counts.visitor + 1, visit: counts.visit + 1, pageview: counts.pageview + 1}
    next.total = {visitor: next.total.visitor + 1, visit: next.total.visit + 1, pageview: next.total.pageview + 1}
  }
  return {fired, state: next}
}

/** One visitor's limits at a time, in typed arrays: see limitCounter. */
export interface LimitCounter {
  /** Forgets the visitor: the next evaluation is another visitor's first (emptyState). */
  reset(): void
  /**
   * fireWithinLimits for one evaluation: `candidate[i] > 0` for the scenarios whose conditions hold and that give a
   * directive; pushes the indexes that fire onto `fired`, in firing order.
   */
  fire(visitNumber: number, pages: number, candidate: ArrayLike<number>, fired: number[]): void
}

/**
 * The firing limits of fireWithinLimits without an object per evaluation, for the batch pipeline's hundreds of thousands
 * of sessions: counters per scenario id (scenarios sharing an id share them, as in LimitState.byScenario) and in total.
 * Gives the same firings and carries the same state as fireWithinLimits (test/unit/scenarios-engine.test.ts).
 */
export function limitCounter(compiled: CompiledScenarios): LimitCounter {
  const n = compiled.scenarios.length
  const ids: string[] = []
  const slot = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const id = compiled.scenarios[i]!.id
    let k = ids.indexOf(id)
    if (k < 0) k = ids.push(id) - 1
    slot[i] = k
  }
  const cap = (v: number | undefined) => (v === undefined ? Infinity : v)
  const lim = (l: Limits) => [cap(l.perVisitor), cap(l.perVisit), cap(l.perPageview)] as const
  const file = lim(compiled.limits)
  const per = compiled.scenarios.map((s) => lim(s.limits))
  // per id: visitor, visit and page-view counts
  const visitor = new Int32Array(ids.length)
  const visit = new Int32Array(ids.length)
  const pageview = new Int32Array(ids.length)
  let total = [0, 0, 0]
  let lastVisit: number | null = null
  let lastPages: number | null = null
  return {
    reset() {
      visitor.fill(0)
      visit.fill(0)
      pageview.fill(0)
      total = [0, 0, 0]
      lastVisit = null
      lastPages = null
    },
    fire(visitNumber, pages, candidate, fired) {
      const newVisit = lastVisit !== visitNumber
      const newPage = newVisit || lastPages !== pages
      lastVisit = visitNumber
      lastPages = pages
      if (newVisit) {
        visit.fill(0)
        total[1] = 0
      }
      if (newPage) {
        pageview.fill(0)
        total[2] = 0
      }
      for (let i = 0; i < n; i++) {
        if (!(total[0]! < file[0] && total[1]! < file[1] && total[2]! < file[2])) break
        const k = slot[i]!
        const l = per[i]!
        if (!(visitor[k]! < l[0] && visit[k]! < l[1] && pageview[k]! < l[2])) continue
        if (!(candidate[i]! > 0)) continue
        fired.push(i)
        visitor[k]!++
        visit[k]!++
        pageview[k]!++
        total[0]!++
        total[1]!++
        total[2]!++
      }
    },
  }
}

/**
 * Pure: the directives the scenarios give for this context, highest priority first, within the firing
 * limits; returns the new limits state (the input state is not changed).
 */
export function evaluate(
  ctx: ScenarioContext,
  compiled: CompiledScenarios,
  state: LimitState = emptyState(),
): {directives: Directive[]; state: LimitState} {
  const directives: Directive[] = []
  const r = fireWithinLimits(state, ctx, compiled, (i) => {
    const s = compiled.scenarios[i]!
    if (!conditionsHold(s.when, ctx)) return false
    const fired = s.actions.map((a) => directiveFor(s, a, ctx, compiled.directory)).filter((d): d is Directive => d !== undefined)
    directives.push(...fired)
    return fired.length > 0
  })
  return {directives, state: r.state}
}
