import {createHash} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import {isAbsolute, resolve} from 'node:path'
import {readSql, renderSql} from '../../store/store.js'
import {changedRows, changedRowsOf, deleteChangedRows, incrementalVisitors, saveRawTables} from '../changes.js'
import {sqlString} from '../../store/values.js'
import type {Pipeline, PipelineContext} from '../types.js'
import {eventsOf} from '../normalize/views.js'

/** Scenario and directory files from the config (relative to its folder), else the shipped ones. */
export async function scenarioFiles(ctx: Pick<PipelineContext, 'config'>, overrides: {scenarios?: string; directory?: string} = {}) {
  const {defaultDirectoryPath, defaultScenariosPath} = await import('../../scenarios/load.js')
  const fromConfig = (p?: string) => (p ? (isAbsolute(p) ? p : resolve(ctx.config.baseDir, p)) : undefined)
  return {
    scenarios: overrides.scenarios
      ? resolve(overrides.scenarios)
      : (fromConfig(ctx.config.config.files.scenarios) ?? defaultScenariosPath()),
    directory: overrides.directory
      ? resolve(overrides.directory)
      : (fromConfig(ctx.config.config.files.directory) ?? defaultDirectoryPath()),
  }
}

export async function loadCompiledScenarios(
  ctx: Pick<PipelineContext, 'config'>,
  overrides: {scenarios?: string; directory?: string} = {},
) {
  const paths = await scenarioFiles(ctx, overrides)
  const {loadDirectory, loadScenariosFile} = await import('../../scenarios/load.js')
  const {compileScenarios} = await import('../../scenarios/engine.js')
  const file = loadScenariosFile(paths.scenarios)
  const directory = loadDirectory(paths.directory)
  return {paths, file, directory, compiled: compileScenarios(file, directory)}
}

/** Raw tables the scenarios read directly: their new rows (by ingest_id) name the visitors to re-do. */
const RAW = ['raw_leads', 'raw_orders', 'raw_conversations', 'raw_calls']

/**
 * Matches every stored session against the scenarios (in SQL, sql-match.ts) and records each session's outcomes for
 * replay. Incremental: only the sessions of the visitors that changed, from their from_ts. The limits carry from
 * session to session of a visitor: the sessions before from_ts are as they were, so their stored firings, replayed,
 * give the state the first re-done session starts from. Outcomes are replaced whole: a lead or order in a re-done
 * session is `later` for every earlier one.
 */
const scenarios: Pipeline = {
  name: 'scenarios',
  description: 'match sessions to marketing/service scenarios; record session outcomes (lead/order)',
  reads: ['sessions', 'sessions_core', 'session_intents', 'events', 'raw_leads', 'raw_orders', 'raw_conversations', 'raw_calls'],
  writes: ['scenario_matches', 'session_outcomes'],
  incremental: true,
  follows: RAW,
  async fingerprint(ctx) {
    const paths = await scenarioFiles(ctx)
    const hash = createHash('sha256')
    for (const p of [paths.scenarios, paths.directory]) hash.update(p).update(existsSync(p) ? readFileSync(p) : '')
    for (const f of ['contexts.sql', 'matches.sql', 'outcomes.sql']) hash.update(readSql(import.meta.url, f))
    hash.update(String((await import('../../scenarios/sql.js')).SCENARIO_SQL_VERSION))
    return hash.digest('hex').slice(0, 16)
  },
  async run(ctx) {
    const {store} = ctx
    // scn_changed (visitor_id): whose sessions normalize or intents re-did, or whom new leads, orders, chats or calls name
    const {run, changed} = await incrementalVisitors(ctx, 'scenarios', RAW, 'scn_changed')
    const {compiled} = await loadCompiledScenarios(ctx)
    const {matchSessionsSql} = await import('./sql-match.js')
    const only = run.full ? 'true' : 'visitor_id in (select visitor_id from scn_changed)'
    const outcomes = renderSql(readSql(import.meta.url, 'outcomes.sql'), {
      only,
      sessions: run.full ? 'sessions' : 'sessions_core',
      events: run.full ? 'events' : `(${eventsOf(`(select * from raw_probe_events where type in ('lead', 'order') and ${only})`)})`,
    })
    const redone = run.full ? undefined : changedRows('scn_changed', changed, 'c.visitor_id', 'c.started_at')
    // The sessions before a visitor's from_ts are as they were: their stored firings seed the limits, and only the
    // sessions from from_ts are matched. A firing is stored as its directives' scenario_id, so this needs ids that name
    // one scenario each; else all of the visitor's sessions are matched again and only those from from_ts written.
    const ids = compiled.scenarios.map((sc) => sc.id)
    const seed =
      !run.full && ids.length > 0 && new Set(ids).size === ids.length
        ? `select s.site, s.visitor_id, s.started_at, s.session_id,
             coalesce(s.visit_number, 1)::INTEGER as visit_number, coalesce(s.pageviews, 0)::INTEGER as pages, ix.s
           from sessions_core s join scn_changed chg on chg.visitor_id = s.visitor_id and s.started_at < chg.from_ts
           left join (select distinct m.session_id, m.scenario_id from scenario_matches m
             where m.visitor_id in (select visitor_id from scn_changed where from_ts is not null)) m on m.session_id = s.session_id
           left join (values ${ids.map((id, i) => `(${sqlString(id)}, ${i})`).join(', ')}) ix(scenario_id, s) on ix.scenario_id = m.scenario_id
           where not coalesce(s.is_bot, false)`
        : undefined
    const counts = await matchSessionsSql(store, compiled, {
      only,
      sessionRows: seed && changed ? changedRowsOf('sessions_core', 'scn_changed', changed, 'visitor_id', 'started_at') : undefined,
      keep: seed ? undefined : redone,
      seed,
      log: ctx.log,
      write: async (matches) => {
        if (run.full || !changed) return store.run(`create or replace table scenario_matches as ${matches}`)
        await store.run(deleteChangedRows('scenario_matches', 'scn_changed', changed, 'visitor_id', 'started_at'))
        await store.run(`insert into scenario_matches by name ${matches}`)
      },
    })
    const t = performance.now()
    const cpu = process.cpuUsage()
    if (run.full) await store.run(`create or replace table session_outcomes as ${outcomes}`)
    else
      await store.run(`delete from session_outcomes where vid in (select vid from scn_changed);
        insert into session_outcomes by name ${outcomes};
        drop table scn_changed`)
    const c = process.cpuUsage(cpu)
    ctx.log(`  outcomes: ${Math.round(performance.now() - t)} ms (cpu ${Math.round((c.user + c.system) / 1000)} ms)`)
    await saveRawTables(ctx, RAW, changed)
    const label = run.full ? '' : `${changed?.count} visitors re-done: `
    return {rowsWritten: counts.directives, message: `${label}${counts.matched} of ${counts.contexts} sessions matched a scenario`}
  },
}

export default scenarios
