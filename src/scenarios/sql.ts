import type {Action, Conditions, ResourcePick, Scenario} from '../vocab/scenarios.js'
import {TEXT_CONDITIONS, textConditionHolds, type CompiledScenarios, type TextCondition} from './engine.js'

/**
 * Scenario rules compiled to SQL (pure: text only; src/pipelines/scenarios runs it). The engine's conditions become
 * WHERE clauses over one row per session context; what cannot be said in SQL without changing its meaning is decided
 * by the engine's own functions on few values and handed to SQL as small tables:
 * - text conditions (case folding, place names without 省/市…) per distinct value: `scn_text (cond, s, value)` lists the
 *   values for which condition `cond` of scenario `s` holds (textConditionHolds);
 * - the directory's resource for each pick and distinct (city, province): `scn_res` (findResource);
 * - the firing limits, a state carried from session to session of a visitor: limitCounter over streamed rows.
 *
 * The context table `scn_ctx` has one row per evaluation, k being its rowid, with the columns of
 * src/pipelines/scenarios/contexts.sql that `columns` names.
 */

/** Bumped when the compiled SQL's meaning changes: the scenarios pipeline then rebuilds in full. */
export const SCENARIO_SQL_VERSION = 2

export interface ScenarioSql {
  /**
   * SELECT of every directive a context could get, before limits: k, s (index into compiled.scenarios), j (action). A
   * scenario is a candidate for context k when it has a row.
   */
  candidates: string
  /**
   * SELECT of the directives of the firings listed in `scn_fired (k, s)`: the context's session_id, site, visitor_id,
   * started_at and intent, s, j, scenario_id, priority, action_type, message, resource_id, resource_type, route_kind,
   * route_target.
   */
  directives: string
  /** The text conditions in use: for each, the scenarios that have it and the context column it reads. */
  textConditions: Array<{condition: TextCondition; column: string; scenarios: number[]}>
  /** Resource picks, numbered as scn_res.pick. */
  picks: ResourcePick[]
  /**
   * The context columns `directives` and the text conditions read besides k, visit_number and pages (which the limits
   * read): scn_ctx need carry no other (a wide text column like url costs its materialisation for nothing).
   */
  columns: string[]
}

/** Columns of the `scn_text` and `scn_res` tables the SQL reads. */
export const SCN_TEXT_COLUMNS = 'cond VARCHAR, s INTEGER, value VARCHAR'
export const SCN_RES_COLUMNS =
  'pick INTEGER, city VARCHAR, province VARCHAR, id VARCHAR, type VARCHAR, name VARCHAR, phone VARCHAR, address VARCHAR, hours VARCHAR, rcity VARCHAR'

const q = (v: string) => `'${v.replaceAll("'", "''")}'`
/** A number literal DuckDB reads as the same double JavaScript compares with. */
const num = (v: number) => `${JSON.stringify(v)}::DOUBLE`

function conditionSql(w: Conditions, s: number, use: (column: string) => void): string {
  const parts: string[] = []
  if (w.intent) use('intent')
  if (w.minConfidence !== undefined) use('confidence')
  if (w.dwellS) use('dwell_s')
  if (w.hour) use('hour')
  if (w.hasPreviousAgent !== undefined) use('previous_agent')
  if (w.intent) parts.push(`c.intent in (${w.intent.map(q).join(', ')})`)
  if (w.minConfidence !== undefined) parts.push(`c.confidence >= ${num(w.minConfidence)}`)
  for (const cond of Object.keys(TEXT_CONDITIONS) as TextCondition[]) {
    if (w[cond] === undefined) continue
    const column = TEXT_CONDITIONS[cond]
    use(column)
    // NULL is no value in SQL's IN: the engine's answer for a missing value is decided here, once
    const onNull = textConditionHolds(w, cond, null) ? `c.${column} is null or ` : ''
    parts.push(`(${onNull}c.${column} in (select value from scn_text where cond = ${q(cond)} and s = ${s}))`)
  }
  const range = (column: string, r: {min?: number; max?: number} | undefined) => {
    if (!r) return
    if (r.min !== undefined) parts.push(`c.${column} >= ${num(r.min)}`)
    if (r.max !== undefined) parts.push(`c.${column} <= ${num(r.max)}`)
  }
  range('visit_number', w.visitNumber)
  range('dwell_s', w.dwellS)
  range('pages', w.pages)
  if (w.hour) {
    const {from, to} = w.hour
    parts.push(from <= to ? `(c.hour >= ${from} and c.hour < ${to})` : `(c.hour >= ${from} or c.hour < ${to})`)
  }
  if (w.hasPreviousAgent !== undefined) parts.push(`coalesce(c.previous_agent <> '', false) = ${w.hasPreviousAgent}`)
  // `on` waits for an event batch (serve); a stored session's context has none, so the engine never fires it there
  if (w.on) parts.push('false')
  return parts.length > 0 ? parts.join('\n    and ') : 'true'
}

/** fill(): one pass over the template; {city}, {province}, {term}, {intent} and {resource.*}; other braces stay. */
function messageSql(template: string, r: string | undefined, use: (column: string) => void): string {
  const values: Record<string, string> = {
    city: 'c.city',
    province: 'c.province',
    term: 'c.term',
    intent: 'c.intent',
    'resource.name': r ? `${r}.name` : 'null',
    'resource.phone': r ? `${r}.phone` : 'null',
    'resource.address': r ? `${r}.address` : 'null',
    'resource.hours': r ? `${r}.hours` : 'null',
    'resource.city': r ? `${r}.rcity` : 'null',
  }
  const parts: string[] = []
  let last = 0
  for (const m of template.matchAll(/\{([\w.]+)\}/g)) {
    if (!(m[1]! in values)) continue
    if (!m[1]!.startsWith('resource.')) use(m[1]!)
    if (m.index > last) parts.push(q(template.slice(last, m.index)))
    parts.push(`coalesce(${values[m[1]!]}, '')`)
    last = m.index + m[0].length
  }
  if (last < template.length) parts.push(q(template.slice(last)))
  return parts.length === 0 ? "''" : parts.join(' || ')
}

/**
 * One action of scenario `s` (directiveFor in the engine): `candidate` lists the contexts where its conditions hold and
 * it resolves (k, s, j); `fired` gives its directive in each context where the scenario fired (scn_fired), which implies
 * its conditions held, so only whether it resolves is asked again. Messages are built for firings only.
 */
function actionSql(
  scenario: Scenario,
  s: number,
  j: number,
  a: Action,
  when: string,
  pickOf: (p: ResourcePick) => number,
  use: (column: string) => void,
): {candidate: string; fired: string} {
  const r = a.resource ? `r` : undefined
  if (a.resource) {
    use('city')
    use('province')
  }
  if (a.route?.kind === 'previous_agent') use('previous_agent')
  const join = a.resource
    ? `\n  left join scn_res r on r.pick = ${pickOf(a.resource)} and r.city is not distinct from c.city and r.province is not distinct from c.province`
    : ''
  const resolves: string[] = []
  if (a.resource && a.requireResource !== false) resolves.push('r.id is not null')
  let routeKind = 'null::VARCHAR'
  let routeTarget = 'null::VARCHAR'
  if (a.route) {
    const target =
      a.route.kind === 'local_partner'
        ? 'r.id'
        : a.route.kind === 'previous_agent'
          ? 'c.previous_agent'
          : a.route.target
            ? q(a.route.target)
            : 'null'
    const truthy = `coalesce(${target} <> '', false)`
    if (a.route.fallback) {
      routeKind = `case when ${truthy} then ${q(a.route.kind)} else ${q(a.route.fallback.kind)} end`
      routeTarget = `case when ${truthy} then ${target} else ${q(a.route.fallback.target)} end`
    } else {
      routeKind = q(a.route.kind)
      routeTarget = target
      resolves.push(truthy)
    }
  }
  const and = resolves.length > 0 ? `\n    and ${resolves.join(' and ')}` : ''
  return {
    candidate: `select c.rowid as k, ${s} as s, ${j} as j
  from scn_ctx c${join}
  where ${when}${and}`,
    fired: `select c.session_id, c.site, c.visitor_id, c.started_at, c.intent, ${s} as s, ${j} as j,
    ${q(scenario.id)} as scenario_id, ${num(scenario.priority)} as priority, ${q(a.type)} as action_type,
    ${a.message ? messageSql(a.message, r, use) : 'null::VARCHAR'} as message,
    ${r ? 'r.id' : 'null::VARCHAR'} as resource_id, ${r ? 'r.type' : 'null::VARCHAR'} as resource_type,
    ${routeKind} as route_kind, ${routeTarget} as route_target
  from scn_ctx c
  join scn_fired f on f.k = c.rowid and f.s = ${s}${join}
  where true${and}`,
  }
}

export function compileScenariosSql(compiled: CompiledScenarios): ScenarioSql {
  const picks: ResourcePick[] = []
  const pickKeys: string[] = []
  const pickOf = (p: ResourcePick) => {
    const key = JSON.stringify(p)
    let i = pickKeys.indexOf(key)
    if (i < 0) {
      i = pickKeys.push(key) - 1
      picks.push(p)
    }
    return i
  }
  const text = new Map<TextCondition, number[]>()
  const candidates: string[] = []
  const fired: string[] = []
  const columns = new Set<string>()
  const use = (column: string) => columns.add(column)
  compiled.scenarios.forEach((scenario, s) => {
    for (const cond of Object.keys(TEXT_CONDITIONS) as TextCondition[])
      if (scenario.when[cond] !== undefined) text.set(cond, [...(text.get(cond) ?? []), s])
    const when = conditionSql(scenario.when, s, use)
    scenario.actions.forEach((a, j) => {
      const sql = actionSql(scenario, s, j, a, when, pickOf, use)
      candidates.push(sql.candidate)
      fired.push(sql.fired)
    })
  })
  const noCandidates = 'select null::BIGINT as k, null::INTEGER as s, null::INTEGER as j where false'
  const noDirectives = `select null::VARCHAR as session_id, null::VARCHAR as site, null::VARCHAR as visitor_id, null::TIMESTAMP as started_at,
    null::VARCHAR as intent, null::INTEGER as s, null::INTEGER as j, null::VARCHAR as scenario_id, null::DOUBLE as priority,
    null::VARCHAR as action_type, null::VARCHAR as message, null::VARCHAR as resource_id, null::VARCHAR as resource_type,
    null::VARCHAR as route_kind, null::VARCHAR as route_target where false`
  return {
    candidates: candidates.length > 0 ? candidates.join('\nunion all\n') : noCandidates,
    directives: fired.length > 0 ? fired.join('\nunion all\n') : noDirectives,
    textConditions: [...text].map(([condition, scenarios]) => ({condition, column: TEXT_CONDITIONS[condition], scenarios})),
    picks,
    columns: [...columns],
  }
}
