import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {readSql} from '../../store/store.js'
import type {Pipeline, PipelineContext} from '../types.js'

async function classifierSetup(ctx: PipelineContext) {
  const {intentsPathFor, loadIntents} = await import('../../enrich/intent/file.js')
  const path = intentsPathFor(ctx.config)
  const loaded = loadIntents(path)
  const hash = createHash('sha256').update(readFileSync(path))
  if (loaded.modelPath) hash.update(readFileSync(loaded.modelPath))
  return {...loaded, fingerprint: hash.digest('hex').slice(0, 16)}
}

/** Classifies each distinct (keyword, landing page, title) once and gives every session its intent. */
const intents: Pipeline = {
  name: 'intents',
  description: 'classify session intent (rules + model) per distinct keyword/landing page',
  reads: ['sessions'],
  writes: ['session_intents'],
  fingerprint: async (ctx) => (await classifierSetup(ctx)).fingerprint,
  async run(ctx) {
    const {store} = ctx
    const {file, model, fingerprint} = await classifierSetup(ctx)
    const {classify, makeClassifier} = await import('../../enrich/intent/classify.js')
    const classifier = makeClassifier(file, model)
    // A changed intents file or model invalidates every cached decision.
    await store.run('delete from intent_text_cache where classifier <> $f', {f: fingerprint})
    await store.run(readSql(import.meta.url, 'session_keys.sql'))
    // Read column-wise: hundreds of thousands of new texts on big data, and row objects cost more than classifying.
    const reader = await store.connection.runAndReadAll(readSql(import.meta.url, 'new_texts.sql'))
    const [keys = [], terms = [], urls = [], titles = []] = reader.getColumnsJS() as Array<Array<string | null>>
    if (keys.length > 0) {
      const appender = await store.connection.createAppender('intent_text_cache')
      try {
        for (let i = 0; i < keys.length; i++) {
          const term = terms[i] ?? null
          const url = urls[i] as string
          const title = titles[i] as string
          const d = classify({term, url, title}, classifier)
          appender.appendVarchar(keys[i] as string)
          if (term === null) appender.appendNull()
          else appender.appendVarchar(term)
          appender.appendVarchar(url)
          appender.appendVarchar(title)
          appender.appendVarchar(d.intent)
          appender.appendDouble(d.confidence)
          appender.appendVarchar(d.method)
          appender.appendVarchar(d.evidence)
          appender.appendVarchar(fingerprint)
          appender.endRow()
        }
        appender.flushSync()
      } finally {
        appender.closeSync()
      }
    }
    await store.run(readSql(import.meta.url, 'session_intents.sql'))
    const rows = await store.scalar<number>('select count(*) from session_intents')
    return {rowsWritten: rows, message: `${keys.length} new distinct texts classified`}
  },
}

export default intents
