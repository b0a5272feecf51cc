import type {CompiledScenarios} from '../../scenarios/engine.js'
import {readSql, renderSql, type Store} from '../../store/store.js'
import {sessionsOf} from '../normalize/views.js'

export interface SqlMatchCounts {
  /** Sessions evaluated (non-bot, in range). */
  contexts: number
  /** Sessions that got at least one directive. */
  matched: number
  directives: number
}

const SCRATCH = ['scn_ctx', 'scn_text', 'scn_res', 'scn_dir', 'scn_fired']

/** Context columns every run needs: the matches' own columns, the engine's order and the limits' inputs. */
const BASE_COLUMNS = ['session_id', 'site', 'visitor_id', 'started_at', 'intent', 'visit_number', 'pages']
/** contexts.sql's join for the previous agent (the calls and chats before each session). */
const PREVIOUS_AGENT_JOIN = 'asof left join served p on p.visitor_id = s.visitor_id and s.started_at > p.ts'

function replaceOnce(sql: string, from: string, to: string): string {
  if (!sql.includes(from)) throw new Error(`contexts.sql no longer has \`${from}\``)
  return sql.replace(from, to)
}

/**
 * The scenarios over stored sessions, in SQL (src/scenarios/sql.ts): contexts and candidates are queries; text
 * conditions and resources are decided by the engine per distinct value; the firing limits by the engine's
 * limitCounter (fireWithinLimits in typed arrays) over streamed integer rows (visitor, visit, pages, candidate
 * scenario), never one object per session. `write` receives the SELECT of the directives (matches.sql: session_id,
 * site, visitor_id, started_at, intent, scenario_id, priority, action_type, message, resource_id, resource_type,
 * route_kind, route_target; in time order) while its inputs exist, and stores it: the same directives as
 * matchSessions (match.ts).
 * `only`: a condition on visitor_id choosing the sessions (and the calls and chats that name a previous agent);
 * `sessionRows`: a subquery of the sessions_core rows to match, with all its columns (default: those `only` chooses).
 * `keep`: a condition on the sessions' columns (visitor_id, started_at, …; alias c) choosing whose directives `write`
 * gets (default: all); the others still carry the limits.
 * `seed`: SELECT of sessions matched before (site, visitor_id, started_at, session_id, visit_number, pages, s: the
 * index of a scenario that fired there, one row each, or NULL), which precede the matched sessions of their visitor:
 * the limits replay their firings (fire() with exactly the scenarios that fired gives the same firings and state)
 * instead of matching them again. A replay that does not fire them all throws.
 */
export async function matchSessionsSql(
  store: Store,
  compiled: CompiledScenarios,
  options: {
    only?: string
    sessionRows?: string
    keep?: string
    seed?: string
    from?: string
    to?: string
    log?: (message: string) => void
    write: (matches: string) => Promise<void>
  },
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
  const {limitCounter, textConditionHolds} = await import('../../scenarios/engine.js')
  const {findResource} = await import('../../scenarios/directory.js')
  const plan = compileScenariosSql(compiled)
  try {
    const only = options.only ?? 'true'
    const rows = options.sessionRows ?? (only === 'true' ? undefined : `(select s.* from sessions_core s where ${only})`)
    let contexts = renderSql(readSql(import.meta.url, 'contexts.sql'), {
      only,
      // a few visitors' sessions: their sessions_core rows first, then the view's dimensions
      sessions: rows ? `(${sessionsOf(rows)})` : 'sessions',
    })
    if (!(await store.tableExists('session_intents')))
      contexts = contexts.replace(
        'left join session_intents i using (session_id)',
        'left join (select null::VARCHAR as session_id, null::VARCHAR as intent, null::DOUBLE as confidence) i using (session_id)',
      )
    // only the columns the rules read (DuckDB then reads no other from the sessions), and the previous agent's as-of
    // join only when a rule reads it (it sorts every session, even with no calls or chats). A context's k is its rowid
    // (numbering the rows costs a pass that cannot run in parallel; inside the pipeline's transaction rowids start at
    // 2^62, so k stays a bigint): the limits sort what they stream, and nothing else needs the engine's order.
    const columns = [...new Set([...BASE_COLUMNS, ...plan.columns])]
    if (!columns.includes('previous_agent'))
      contexts = replaceOnce(
        replaceOnce(contexts, PREVIOUS_AGENT_JOIN, ''),
        'p.agent_id as previous_agent',
        'null::VARCHAR as previous_agent',
      )
    await store.run(
      `create or replace temp table scn_ctx as select hash(site, visitor_id) as vk, ${columns.join(', ')} from (${contexts})`,
      {from: options.from ?? null, to: options.to ?? null},
    )
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
    await store.run(`create or replace temp table scn_dir as ${plan.candidates}`)
    step('candidates')

    // the limits, visitor by visitor in the engine's order; only visitors with a candidate can fire. n: the directives
    // a firing gives (its actions that resolve)
    const fired = {k: [] as bigint[], s: [] as number[]}
    let directives = 0
    // seeded sessions get negative keys: their firings are replayed, not recorded
    const seeded = options.seed
      ? `union all
         select -dense_rank() over (order by site, visitor_id, started_at, session_id), hash(site, visitor_id), site, visitor_id,
           started_at, session_id, visit_number, pages, s, 1
         from (${options.seed})`
      : ''
    const stream = await store.connection.stream(
      `with c as (
         select c.rowid as k, c.vk, c.site, c.visitor_id, c.started_at, c.session_id, c.visit_number, c.pages, d.s, d.n::INTEGER as n
         from scn_ctx c left join (select k, s, count(*) as n from scn_dir group by k, s) d on d.k = c.rowid
         ${seeded}
       )
       select k, vk, visit_number, pages, s, n from c
       where vk in (select vk from scn_ctx where rowid in (select k from scn_dir))
       order by site, visitor_id, started_at, session_id, k, s`,
    )
    const limits = limitCounter(compiled)
    const candidate = new Int32Array(compiled.scenarios.length)
    const firedNow: number[] = []
    let visitor: bigint | undefined
    let k: bigint | undefined
    let at = {visitNumber: 0, pages: 0}
    const flush = () => {
      if (k === undefined) return
      firedNow.length = 0
      limits.fire(at.visitNumber, at.pages, candidate, firedNow)
      if (k < 0n) {
        const expected = candidate.reduce((n, c) => n + (c > 0 ? 1 : 0), 0)
        if (firedNow.length !== expected || firedNow.some((i) => !(candidate[i]! > 0)))
          throw new Error(`scenario limits: replaying the stored firings of an earlier session did not fire them all`)
        candidate.fill(0)
        return
      }
      for (const i of firedNow) {
        fired.k.push(k)
        fired.s.push(i)
        directives += candidate[i]!
      }
      candidate.fill(0)
    }
    for (;;) {
      const chunk = await stream.fetchChunk()
      const rows = chunk?.rowCount ?? 0
      if (rows === 0) break
      const [ks, vks, visits, pages, ss, ns] = chunk!.getColumns() as [
        bigint[],
        bigint[],
        number[],
        number[],
        Array<number | null>,
        Array<number | null>,
      ]
      for (let row = 0; row < rows; row++) {
        if (ks[row] !== k) {
          flush()
          if (vks[row] !== visitor) {
            visitor = vks[row]
            limits.reset()
          }
          k = ks[row]
          at = {visitNumber: visits[row]!, pages: pages[row]!}
        }
        const s = ss[row]
        if (s !== null && s !== undefined) candidate[s] = ns[row]!
      }
    }
    flush()
    await store.run('create or replace temp table scn_fired (k BIGINT, s INTEGER)')
    await store.append('scn_fired', fired.k.length, (a, i) => {
      a.appendBigInt(fired.k[i]!)
      a.appendInteger(fired.s[i]!)
    })

    if (options.keep) await store.run(`delete from scn_fired where k in (select c.rowid from scn_ctx c where not (${options.keep}))`)
    step(`limits (${fired.k.length} firings)`)
    await options.write(renderSql(readSql(import.meta.url, 'matches.sql'), {directives: plan.directives}))
    step('directives stored')
    const contextCount = await store.one<{n: number}>('select count(*)::INTEGER as n from scn_ctx')
    return {contexts: contextCount?.n ?? 0, matched: new Set(fired.k).size, directives}
  } finally {
    await store.run(SCRATCH.map((t) => `drop table if exists ${t};`).join('\n'))
  }
}
