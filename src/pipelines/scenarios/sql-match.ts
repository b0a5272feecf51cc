import type {CompiledScenarios} from '../../scenarios/engine.js'
import {readSql, renderSql, type Store} from '../../store/store.js'
import {sqlString} from '../../store/values.js'

export interface SqlMatchCounts {
  /** Sessions evaluated (non-bot, in range). */
  contexts: number
  /** Sessions that got at least one directive. */
  matched: number
  directives: number
}

const SCRATCH = ['scn_ctx0', 'scn_ctx', 'scn_text', 'scn_res', 'scn_dir', 'scn_fired']

/**
 * The scenarios over stored sessions, in SQL (src/scenarios/sql.ts): contexts and candidate directives are queries;
 * text conditions and resources are decided by the engine per distinct value; the firing limits by the engine's
 * fireWithinLimits over streamed integer rows (visitor, visit, pages, candidate scenario), never one object per
 * session. Writes scenario_matches_stage (session_id, seq, scenario_id, priority, action_type, message, resource_id,
 * resource_type, route_kind, route_target): the same directives, in the same order, as matchSessions (match.ts).
 * `only`: a condition on visitor_id choosing the sessions (and the calls and chats that name a previous agent).
 */
export async function matchSessionsSql(
  store: Store,
  compiled: CompiledScenarios,
  options: {only?: string; from?: string; to?: string; log?: (message: string) => void} = {},
): Promise<SqlMatchCounts> {
  let t = performance.now()
  let cpu = process.cpuUsage()
  const step = (name: string) => {
    const c = process.cpuUsage(cpu)
    options.log?.(`  ${name}: ${Math.round(performance.now() - t)} ms (cpu ${Math.round((c.user + c.system) / 1000)} ms)`)
    t = performance.now()
    cpu = process.cpuUsage()
  }
  const {compileScenariosSql, SCN_RES_COLUMNS, SCN_TEXT_COLUMNS} = await import('../../scenarios/sql.js')
  const {fireWithinLimits, emptyState, textConditionHolds} = await import('../../scenarios/engine.js')
  const {findResource} = await import('../../scenarios/directory.js')
  const plan = compileScenariosSql(compiled)
  try {
    let contexts = renderSql(readSql(import.meta.url, 'contexts.sql'), {only: options.only ?? 'true'})
    if (!(await store.tableExists('session_intents')))
      contexts = contexts.replace(
        'left join session_intents i using (session_id)',
        'left join (select null::VARCHAR as session_id, null::VARCHAR as intent, null::DOUBLE as confidence) i using (session_id)',
      )
    // k, the engine's order, is numbered over the four sort columns alone and joined back by rowid: a window over every
    // column of the contexts carried them all through its sort
    await store.run(`create or replace temp table scn_ctx0 as select hash(site, visitor_id) as vk, * from (${contexts})`, {
      from: options.from ?? null,
      to: options.to ?? null,
    })
    await store.run(`create or replace temp table scn_ctx as
       select n.k, c.* from scn_ctx0 c
       join (select rowid as r, row_number() over (order by site, visitor_id, started_at, session_id) as k from scn_ctx0) n on n.r = c.rowid;
       drop table scn_ctx0`)
    step('contexts')

    // text conditions: the engine's answer per distinct value of the field
    await store.run(`create or replace temp table scn_text (${SCN_TEXT_COLUMNS})`)
    for (const t of plan.textConditions) {
      const reader = await store.connection.runAndReadAll(`select distinct ${t.column} from scn_ctx where ${t.column} is not null`)
      const values = (reader.getColumnsJS()[0] ?? []) as string[]
      const rows: Array<[number, string]> = []
      for (const value of values)
        for (const s of t.scenarios) if (textConditionHolds(compiled.scenarios[s]!.when, t.condition, value)) rows.push([s, value])
      await store.append('scn_text', rows.length, (a, k) => {
        a.appendVarchar(t.condition)
        a.appendInteger(rows[k]![0])
        a.appendVarchar(rows[k]![1])
      })
    }

    // resources: the directory's pick for each distinct (city, province)
    await store.run(`create or replace temp table scn_res (${SCN_RES_COLUMNS})`)
    if (plan.picks.length > 0) {
      const reader = await store.connection.runAndReadAll('select distinct city, province from scn_ctx')
      const [cities = [], provinces = []] = reader.getColumnsJS() as Array<Array<string | null>>
      const rows: Array<{pick: number; city: string | null; province: string | null; r: NonNullable<ReturnType<typeof findResource>>}> = []
      plan.picks.forEach((pick, i) => {
        for (let k = 0; k < cities.length; k++) {
          const r = findResource(compiled.directory, pick, cities[k]!, provinces[k]!)
          if (r) rows.push({pick: i, city: cities[k]!, province: provinces[k]!, r})
        }
      })
      await store.append('scn_res', rows.length, (a, k) => {
        const {pick, city, province, r} = rows[k]!
        const text = (v: string | null | undefined) => (v === null || v === undefined ? a.appendNull() : a.appendVarchar(v))
        a.appendInteger(pick)
        text(city)
        text(province)
        text(r.id)
        text(r.type)
        text(r.name)
        text(r.phone)
        text(r.address)
        text(r.hours)
        text(r.city)
      })
    }

    step('text conditions and resources per distinct value')
    await store.run(`create or replace temp table scn_dir as ${plan.directives}`)
    step('candidate directives')

    // the limits, visitor by visitor in the engine's order; only visitors with a candidate can fire
    const fired = {k: [] as number[], s: [] as number[]}
    const stream = await store.connection.stream(
      `select c.k::BIGINT as k, c.vk, c.visit_number, c.pages, d.s
       from scn_ctx c left join (select distinct k, s from scn_dir) d using (k)
       where c.vk in (select vk from scn_ctx where k in (select k from scn_dir))
       order by c.k, d.s`,
    )
    const n = compiled.scenarios.length
    const candidate = new Uint8Array(n)
    let state = emptyState()
    let visitor: unknown = undefined
    let k: bigint | undefined
    let at = {visitNumber: 0, pages: 0}
    const flush = () => {
      if (k === undefined) return
      const r = fireWithinLimits(state, at, compiled, (i) => candidate[i] === 1)
      state = r.state
      for (const i of r.fired) {
        fired.k.push(Number(k))
        fired.s.push(i)
      }
      candidate.fill(0)
    }
    for (;;) {
      const chunk = await stream.fetchChunk()
      if (!chunk || chunk.rowCount === 0) break
      const [ks, vks, visits, pages, ss] = chunk.getColumns() as [bigint[], bigint[], number[], number[], Array<number | null>]
      for (let row = 0; row < chunk.rowCount; row++) {
        if (ks[row] !== k) {
          flush()
          if (vks[row] !== visitor) {
            visitor = vks[row]
            state = emptyState()
          }
          k = ks[row]
          at = {visitNumber: visits[row]!, pages: pages[row]!}
        }
        const s = ss[row]
        if (s !== null && s !== undefined) candidate[s] = 1
      }
    }
    flush()
    await store.run('create or replace temp table scn_fired (k BIGINT, s INTEGER)')
    await store.append('scn_fired', fired.k.length, (a, i) => {
      a.appendBigInt(BigInt(fired.k[i]!))
      a.appendInteger(fired.s[i]!)
    })

    step(`limits (${fired.k.length} firings)`)
    const list = (values: string[]) => `[${values.join(', ')}]`
    const ids = list(compiled.scenarios.map((s) => sqlString(s.id)))
    const priorities = list(compiled.scenarios.map((s) => `${JSON.stringify(s.priority)}::DOUBLE`))
    const types = list(compiled.scenarios.map((s) => list(s.actions.map((a) => sqlString(a.type)))))
    await store.run(`create or replace table scenario_matches_stage as
      select c.session_id, (row_number() over (partition by d.k order by d.s, d.j) - 1)::INTEGER as seq,
        ${n > 0 ? `${ids}[d.s + 1]` : 'null::VARCHAR'} as scenario_id, ${n > 0 ? `${priorities}[d.s + 1]` : 'null::DOUBLE'} as priority,
        ${n > 0 ? `${types}[d.s + 1][d.j + 1]` : 'null::VARCHAR'} as action_type,
        d.message, d.resource_id, d.resource_type, d.route_kind, d.route_target
      from scn_dir d
      join scn_fired f on f.k = d.k and f.s = d.s
      join scn_ctx c on c.k = d.k`)
    step('directives')
    const counts = await store.one<{contexts: number; matched: number; directives: number}>(
      `select (select count(*) from scn_ctx)::INTEGER as contexts, (select count(distinct k) from scn_fired)::INTEGER as matched,
        (select count(*) from scenario_matches_stage)::INTEGER as directives`,
    )
    return counts ?? {contexts: 0, matched: 0, directives: 0}
  } finally {
    await store.run(SCRATCH.map((t) => `drop table if exists ${t};`).join('\n'))
  }
}
