import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {readSql, renderSql, type Store} from '../../store/store.js'
import {sqlString} from '../../store/values.js'
import {changedSince, runInfo, upstreamVisitors} from '../changes.js'
import type {Pipeline, PipelineContext} from '../types.js'
import {sessionsOf} from '../normalize/views.js'

/** intent_changed by sessions_core's vkey (hash(site, visitor_id)): a join on it hashes no strings. */
const BY_VKEY = 'select hash(site, visitor_id) as vkey, from_ts from intent_changed'
const SQL = ['session_keys.sql', 'new_texts.sql', 'save_decisions.sql', 'session_intents.sql']

/** The bytes of the intents file and of the model it names, hashed: what classifierSetup's fingerprint is, without
 * the schema and the model's parse (a report checking freshness pays for this). Anything unusual (a missing file,
 * JSON that does not parse) goes the full way, so the error is the one a run gives. */
async function classifierFingerprint(ctx: PipelineContext): Promise<string> {
  const {intentsPathFor, modelPathIn} = await import('../../enrich/intent/paths.js')
  const path = intentsPathFor(ctx.config)
  try {
    const bytes = readFileSync(path)
    const model = (JSON.parse(bytes.toString('utf8')) as {model?: unknown}).model
    const hash = createHash('sha256').update(bytes)
    if (typeof model === 'string' && model) hash.update(readFileSync(modelPathIn(path, model)))
    return hash.digest('hex').slice(0, 16)
  } catch {
    return (await classifierSetup(ctx)).fingerprint
  }
}

async function classifierSetup(ctx: PipelineContext) {
  const {intentsPathFor, loadIntents} = await import('../../enrich/intent/file.js')
  const path = intentsPathFor(ctx.config)
  const loaded = loadIntents(path)
  const hash = createHash('sha256').update(readFileSync(path))
  if (loaded.modelPath) hash.update(readFileSync(loaded.modelPath))
  return {...loaded, fingerprint: hash.digest('hex').slice(0, 16)}
}

async function columns(store: Store, sql: string): Promise<unknown[][]> {
  return (await store.connection.runAndReadAll(sql)).getColumnsJS() as unknown[][]
}

/** Classifies each distinct (keyword, landing page, title) once and gives every session its intent. */
const intents: Pipeline = {
  name: 'intents',
  description: 'classify session intent (rules + model) per distinct keyword/landing page',
  reads: ['sessions', 'sessions_core'],
  writes: ['session_intents'],
  incremental: true,
  fingerprint: async (ctx) => (await classifierFingerprint(ctx)) + SQL.map((f) => readSql(import.meta.url, f)).join('\n'),
  // Classification and the cache (valid on its own) outside the transaction; run() publishes session_intents.
  // Incremental: only the sessions normalize re-did since the last run (changes.ts upstreamVisitors: from_ts).
  async stage(ctx) {
    const {store} = ctx
    const run = runInfo(ctx, 'intents')
    const {file, model, fingerprint} = await classifierSetup(ctx)
    const {makeClassifier} = await import('../../enrich/intent/classify.js')
    const {classifyCombinations} = await import('../../enrich/intent/batch.js')
    // A changed intents file or model invalidates every cached decision.
    await store.run('delete from intent_text_cache where classifier <> $f', {f: fingerprint})
    let sessions = 'sessions'
    if (!run.full) {
      // intents read no visit numbers: sessions whose numbers alone moved keep theirs
      const n = await upstreamVisitors(ctx, 'intent_changed', 'ignore')
      ctx.log(`  ${n} visitors re-done upstream`)
      // only the sessions normalize re-did: those from from_ts on (all of a visitor's when it is NULL); the earliest
      // from_ts lets DuckDB skip the older row groups
      const since = await changedSince(ctx, 'intent_changed')
      sessions = `(${sessionsOf(
        `(select s.* from sessions_core s join (${BY_VKEY}) c using (vkey)
          where (c.from_ts is null or s.started_at >= c.from_ts)${since ? ` and s.started_at >= ${since}` : ''})`,
      )})`
    }
    await store.run(renderSql(readSql(import.meta.url, 'session_keys.sql'), {sessions}))
    await store.run(readSql(import.meta.url, 'new_texts.sql'))
    // Only the few distinct keywords and pages travel as text; combinations travel as integer pairs.
    const [terms = []] = await columns(store, 'select term from intent_terms order by tid')
    const [urls = [], titles = []] = await columns(store, 'select url, title from intent_pages order by pid')
    const [termIdx = [], pageIdx = []] = await columns(
      store,
      `select t.tid, p.pid from intent_new n join intent_terms t using (term) join intent_pages p using (url, title) order by n.i`,
    )
    const pages = urls.map((url, k) => ({url: url as string, title: titles[k] as string}))
    const batch = classifyCombinations(terms as string[], pages, termIdx as number[], pageIdx as number[], makeClassifier(file, model))
    await store.append('intent_decisions', batch.decisions.length, (a, k) => {
      const d = batch.decisions[k]!
      a.appendInteger(k)
      a.appendVarchar(d.intent)
      a.appendDouble(d.confidence)
      a.appendVarchar(d.method)
      a.appendVarchar(d.evidence)
    })
    await store.append('intent_decided', batch.decisionOf.length, (a, k) => {
      a.appendInteger(k)
      a.appendInteger(batch.decisionOf[k]!)
    })
    await store.run(renderSql(readSql(import.meta.url, 'save_decisions.sql'), {classifier: sqlString(fingerprint)}))
    await store.run(renderSql(readSql(import.meta.url, 'session_intents.sql'), {temp: run.full ? '' : 'temp'}))
    return {message: `${termIdx.length} new distinct texts classified (${terms.length} keywords × ${pages.length} pages)`}
  },
  async run(ctx) {
    if (runInfo(ctx, 'intents').full) {
      await ctx.store.run('drop table if exists session_intents; alter table session_intents__staged rename to session_intents')
      return {rowsWritten: await ctx.store.scalar<number>('select count(*)::INTEGER from session_intents')}
    }
    const rows = await ctx.store.scalar<number>('select count(*)::INTEGER from session_intents__staged')
    // the changed visitors' rows but those of the sessions they keep (started before from_ts)
    await ctx.store.run(`delete from session_intents where vkey in (select vkey from (${BY_VKEY}))
        and session_id not in (select k.session_id from sessions_core k join (${BY_VKEY}) c using (vkey)
                               where c.from_ts is not null and k.started_at < c.from_ts);
      insert into session_intents by name select * from session_intents__staged;
      drop table session_intents__staged; drop table intent_changed`)
    return {rowsWritten: rows}
  },
}

export default intents
