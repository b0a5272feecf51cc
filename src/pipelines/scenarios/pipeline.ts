import {createHash} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import {isAbsolute, resolve} from 'node:path'
import {readSql} from '../../store/store.js'
import type {Pipeline, PipelineContext} from '../types.js'

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

/** Matches every stored session against the scenarios and records each session's outcomes for replay. */
const scenarios: Pipeline = {
  name: 'scenarios',
  description: 'match sessions to marketing/service scenarios; record session outcomes (lead/order)',
  reads: ['sessions', 'session_intents', 'events', 'raw_leads', 'raw_orders', 'raw_conversations', 'raw_calls'],
  writes: ['scenario_matches', 'session_outcomes'],
  async fingerprint(ctx) {
    const paths = await scenarioFiles(ctx)
    const hash = createHash('sha256')
    for (const p of [paths.scenarios, paths.directory]) hash.update(p).update(existsSync(p) ? readFileSync(p) : '')
    return hash.digest('hex').slice(0, 16)
  },
  async run(ctx) {
    const {store} = ctx
    const {compiled} = await loadCompiledScenarios(ctx)
    const {matchSessions} = await import('./match.js')
    const matches = await matchSessions(store, compiled)
    await store.run(`create or replace table scenario_matches_stage (
      session_id VARCHAR, seq INTEGER, scenario_id VARCHAR, priority DOUBLE, action_type VARCHAR, message VARCHAR,
      resource_id VARCHAR, resource_type VARCHAR, route_kind VARCHAR, route_target VARCHAR)`)
    const rows = matches.flatMap((m) => m.directives.map((d, seq) => ({sessionId: m.row.session_id, seq, d})))
    await store.append('scenario_matches_stage', rows.length, (a, k) => {
      const {sessionId, seq, d} = rows[k]!
      const text = (v: string | undefined) => (v === undefined ? a.appendNull() : a.appendVarchar(v))
      a.appendVarchar(sessionId)
      a.appendInteger(seq)
      a.appendVarchar(d.scenarioId)
      a.appendDouble(d.priority)
      a.appendVarchar(d.type)
      text(d.message)
      text(d.resource?.id)
      text(d.resource?.type)
      text(d.route?.kind)
      text(d.route?.target)
    })
    await store.run(readSql(import.meta.url, 'matches.sql'))
    await store.run(`create or replace table session_outcomes as ${readSql(import.meta.url, 'outcomes.sql')}`)
    const sessions = matches.filter((m) => m.directives.length > 0).length
    return {rowsWritten: rows.length, message: `${sessions} of ${matches.length} sessions matched a scenario`}
  },
}

export default scenarios
