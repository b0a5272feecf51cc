import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {LoadedConfig} from '../config/load.js'
import type {Store} from '../store/store.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

export interface DemoOptions {
  out: string
  db: string
  reportsDir: string
  visitors: number
  days: number
  seed: string
  config: LoadedConfig
  log: (message: string) => void
}

export interface DemoResult {
  db: string
  data: string
  generated: Array<{file: string; rows: number}>
  ingested: Array<{source: string; file: string; read: number; loaded: number; duplicate: number; quarantined: number}>
  pipelines: Array<{pipeline: string; status: string; durationMs: number; rowsWritten?: number; message?: string}>
  reports: string[]
  story: Array<Record<string, unknown>>
  /** The story visitors' questions to the FAQ bot (KB from the generator) and what it answered. */
  bot: Array<{visitor_id: string; question: string; context: string | null; entry_id: string | null; confidence: number; answer: string}>
}

const SOURCES = [
  ['probe', 'probe_events.csv'],
  ['calls', 'calls.csv'],
  ['chats', 'chats.ndjson'],
  ['transcripts', 'transcripts.csv'],
  ['leads', 'leads.csv'],
  ['orders', 'orders.csv'],
] as const

/** From nothing: generate fixtures, ingest into a fresh database, run every pipeline, write reports. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const {log} = options
  const data = join(options.out, 'data')
  mkdirSync(options.out, {recursive: true})
  log(`1/5 generating ${options.visitors} visitors over ${options.days} days (seed ${options.seed}) → ${data}`)
  const {generate} = (await import(pathToGenerator())) as {generate: (o: object) => Promise<{files: Array<{file: string; rows: number}>}>}
  const generated = await generate({out: data, visitors: options.visitors, days: options.days, seed: options.seed})

  for (const suffix of ['', '.wal']) rmSync(options.db + suffix, {force: true})
  const {Store} = await import('../store/store.js')
  const store = await Store.open(options.db)
  try {
    log(`2/5 fresh database ${options.db}`)
    const {readSitesFile, upsertSites} = await import('../sites/service.js')
    await upsertSites(store, readSitesFile(join(data, 'sites.json')))

    log('3/5 ingesting every source')
    const {ingestFiles} = await import('../ingest/service.js')
    const ingested: DemoResult['ingested'] = []
    const story = join(ROOT, 'fixtures/samples/story/probe_events.csv')
    for (const [source, file] of SOURCES) {
      const paths = [join(data, file)]
      if (source === 'probe' && existsSync(story)) paths.push(story)
      const result = await ingestFiles(store, {source, paths})
      for (const f of result.files) {
        ingested.push({source, file: f.file, read: f.read, loaded: f.loaded, duplicate: f.duplicate, quarantined: f.quarantined})
        log(`    ${source.padEnd(11)} ${f.loaded} rows from ${f.file}${f.quarantined ? ` (${f.quarantined} quarantined)` : ''}`)
      }
    }

    const bot = await storyBot(store, join(data, 'kb.json'), options.config, log)

    log('4/5 running every pipeline')
    const {loadPipelines} = await import('../pipelines/registry.js')
    const {runPipelines} = await import('../pipelines/runner.js')
    const outcomes = await runPipelines(await loadPipelines(), {store, config: options.config, log: (m) => log('    ' + m.trim())})

    log(`5/5 writing reports → ${options.reportsDir}`)
    const reports = await writeReports(store, options.config, options.reportsDir, log)
    return {
      db: options.db,
      data,
      generated: generated.files,
      ingested,
      pipelines: outcomes,
      reports,
      story: await storyOutcomes(store),
      bot,
    }
  } finally {
    await store.close()
  }
}

function pathToGenerator(): string {
  return new URL('../../fixtures/generator/index.js', import.meta.url).href
}

async function writeReports(store: Store, config: LoadedConfig, dir: string, log: (m: string) => void): Promise<string[]> {
  mkdirSync(dir, {recursive: true})
  const {buildReportSections} = await import('../reports/html.js')
  const {renderHtmlReport} = await import('../charts/html-report.js')
  const ctx = {store, config, range: {from: null, to: null}, log}
  const report = await renderHtmlReport(await buildReportSections(ctx), {title: 'ccx demo report', chartFormat: 'png'})
  const path = join(dir, 'ccx-report.html')
  writeFileSync(path, report.html)
  for (const s of report.sections) if (s.error) log(`    section ${s.title} failed: ${s.error}`)
  return [path]
}

/** Imports the generated KB and asks the FAQ bot the story visitors' questions (fixtures/samples/story/bot_questions.json). */
async function storyBot(store: Store, kbFile: string, config: LoadedConfig, log: (m: string) => void): Promise<DemoResult['bot']> {
  const questionsFile = join(ROOT, 'fixtures/samples/story/bot_questions.json')
  if (!existsSync(kbFile) || !existsSync(questionsFile)) return []
  const {readKbFile, importKb} = await import('../selfservice/kb/service.js')
  const {createBot} = await import('../selfservice/bot-service.js')
  const imported = await importKb(store, readKbFile(kbFile), {file: kbFile})
  log(`    kb          ${imported.entries} entries from ${kbFile}`)
  const {bot} = await createBot(config, {store})
  const questions = JSON.parse(readFileSync(questionsFile, 'utf8')) as Array<{visitor_id: string; question: string; context?: string}>
  return questions.map((q) => {
    const a = bot.ask(q.question, q.context ? {question: q.context} : {})
    return {
      visitor_id: q.visitor_id,
      question: q.question,
      context: q.context ?? null,
      entry_id: a.answered ? (a.entry?.id ?? null) : null,
      confidence: a.confidence,
      answer: a.answered && a.entry ? a.entry.answer : '→ hand over to a person',
    }
  })
}

/** How the four visitors of the story came out (when the visitor-intelligence pipelines ran). */
async function storyOutcomes(store: Store): Promise<Array<Record<string, unknown>>> {
  if (!(await store.tableExists('scenario_matches')) || !(await store.tableExists('sessions'))) return []
  return store.all(`
      with last_visit as (
        select * from sessions where visitor_id like 'v-story-%'
        qualify row_number() over (partition by visitor_id order by started_at desc) = 1)
      select s.visitor_id, s.city, s.source, s.term, s.visit_number as visit, i.intent,
             string_agg(m.action_type || ' → ' || coalesce(m.resource_id, m.route_target, ''), '; ' order by m.priority desc) as directives
      from last_visit s
      left join session_intents i using (session_id)
      left join scenario_matches m using (session_id)
      group by all
      order by s.visitor_id`)
}
