import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {LoadedConfig} from '../config/load.js'
import type {Store} from '../store/store.js'
import type {BotExchangeKpis} from '../reports/service/bot-exchanges.js'

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
  /** `report layers` from the bot's own exchanges (played through the event log); null without a KB. */
  botLayers: BotExchangeKpis | null
  /** The generated visitors' answers to the shipped questionnaires (`ccx report survey`; also a section of the HTML report). */
  surveys: Array<{survey: string; version: number; shown: number; answered: number; responseRate: number | null; csatTop2Box: number | null; nps: number | null}>
}

const SOURCES = [
  ['probe', 'probe_events.csv'],
  ['calls', 'calls.csv'],
  ['chats', 'chats.ndjson'],
  ['transcripts', 'transcripts.csv'],
  ['leads', 'leads.csv'],
  ['orders', 'orders.csv'],
  ['surveys', 'survey_responses.ndjson'],
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
  const {Store, storeLimits} = await import('../store/store.js')
  const store = await Store.open(options.db, storeLimits(options.config.config.store))
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

    const botRun = await botTraffic(store, data, options, log)

    log('4/5 running every pipeline')
    const {loadPipelines} = await import('../pipelines/registry.js')
    const {runPipelines} = await import('../pipelines/runner.js')
    const outcomes = await runPipelines(await loadPipelines(), {store, config: options.config, log: (m) => log('    ' + m.trim())})

    log(`5/5 writing reports → ${options.reportsDir}`)
    const reports = await writeReports(store, options.config, options.reportsDir, log)
    let botLayers: BotExchangeKpis | null = null
    if (botRun.labels) {
      const {layersReport} = await import('../reports/service/layers.js')
      botLayers = (await layersReport(store, {botLabels: botRun.labels})).botExchanges
    }
    return {
      db: options.db,
      data,
      generated: generated.files,
      ingested,
      pipelines: outcomes,
      reports,
      story: await storyOutcomes(store),
      bot: botRun.story,
      botLayers,
      surveys: await surveyFigures(store, options.config, log),
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
  const {buildReportPage} = await import('../reports/page.js')
  const {dataDays} = await import('../reports/kpis.js')
  // the last 7 days of the data, compared with the 7 days before (the tiles show a change)
  const base = {store, config, range: {from: null, to: null}, log}
  const days = await dataDays(base)
  const next = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
  const range = days ? {from: `${next(days.last, -6)} 00:00:00`, to: `${next(days.last, 1)} 00:00:00`} : {from: null, to: null}
  const page = await buildReportPage({...base, range}, {title: 'ccx demo report'})
  const path = join(dir, page.fileName)
  writeFileSync(path, page.html)
  for (const s of page.sections) if (s.error) log(`    section ${s.title} failed: ${s.error}`)
  return [path]
}

/** Deterministic 0..1 from a text (FNV-1a): the simulated visitors' choices, the same for the same seed. */
function chance(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0
  return h / 0x100000000
}

const BOT_SITE = 'canon'

/**
 * The FAQ bot in the demo, the way `ccx serve` runs it: imports the generated KB; the story visitors and, for the
 * generator's labelled questions (bot_questions.ndjson), as many generated visitors of the Canon-like site ask in the
 * chat panel; each exchange is logged exactly as POST /bot logs it (exchangeBatch, batchLogLine) in an event-log
 * segment, with the visitors' 👍/👎 and "talk to a person" events, and loaded like `ingest probe --from-log`.
 * Simulated visitors: 40% vote on an answer (👍 when it is the labelled entry, else 👎); after a wrong answer half
 * ask again in other words (another generated question for the same entry); after a wrong answer or a hand-over 60%
 * ask for a person. A QA sample (every 3rd answered exchange) is labelled from the generator's entry
 * into bot_labels.csv for `report layers --bot-labels`.
 */
async function botTraffic(
  store: Store,
  data: string,
  options: DemoOptions,
  log: (m: string) => void,
): Promise<{story: DemoResult['bot']; labels: string | null}> {
  const kbFile = join(data, 'kb.json')
  const storyFile = join(ROOT, 'fixtures/samples/story/bot_questions.json')
  const labelledFile = join(data, 'bot_questions.ndjson')
  if (!existsSync(kbFile)) return {story: [], labels: null}
  const {readKbFile, importKb} = await import('../selfservice/kb/service.js')
  const {createBot} = await import('../selfservice/bot-service.js')
  const {exchangeBatch} = await import('../serve/bot.js')
  const {batchLogLine} = await import('../vocab/event-log.js')
  const imported = await importKb(store, readKbFile(kbFile), {file: kbFile})
  log(`    kb          ${imported.entries} entries from ${kbFile}`)
  const {bot} = await createBot(options.config, {store})

  const lines: string[] = []
  let seq = 0
  const append = (ts: string, visitor: string, batch: {site: string; visitor_id: string; events: object[]}) => {
    const text = batchLogLine(
      {seq: `demo-bot-b${++seq}`, ts, ip: '', userAgent: 'ccx demo', visitCount: 1, rejected: []},
      Buffer.from(JSON.stringify(batch)),
      batch,
    )
    lines.push(typeof text === 'string' ? text : text.map((p) => p.toString()).join(''))
  }
  const at = (base: string, seconds: number) =>
    new Date(Date.parse(base.replace(' ', 'T') + 'Z') + seconds * 1000).toISOString().slice(0, 19).replace('T', ' ')
  const ask = (visitor: string, question: string, context: string | undefined, ts: string) => {
    const answer = bot.ask(question, context ? {question: context} : {})
    const exchangeId = `bx-demo-${seq + 1}`
    append(ts, visitor, exchangeBatch({site: BOT_SITE, visitor_id: visitor, question, context: context ? {question: context} : undefined}, answer, exchangeId))
    return {answer, exchangeId}
  }

  // The story visitors ask a minute after their last page.
  const storyQuestions = existsSync(storyFile)
    ? (JSON.parse(readFileSync(storyFile, 'utf8')) as Array<{visitor_id: string; question: string; context?: string}>)
    : []
  const lastSeen = new Map(
    (
      await store.all<{visitor_id: string; ts: string}>(
        `select visitor_id, strftime(max(ts), '%Y-%m-%d %H:%M:%S') as ts from raw_probe_events where visitor_id like 'v-story-%' group by all`,
      )
    ).map((r) => [r.visitor_id, r.ts]),
  )
  const story: DemoResult['bot'] = storyQuestions.map((q, i) => {
    const {answer} = ask(q.visitor_id, q.question, q.context, at(lastSeen.get(q.visitor_id) ?? '2026-01-01 12:00:00', 60 + i * 30))
    return {
      visitor_id: q.visitor_id,
      question: q.question,
      context: q.context ?? null,
      entry_id: answer.answered ? (answer.entry?.id ?? null) : null,
      confidence: answer.confidence,
      answer: answer.answered && answer.entry ? answer.entry.answer : '→ hand over to a person',
    }
  })

  // Generated visitors ask the generator's labelled questions, one (with its follow-up context) each.
  const labelled = existsSync(labelledFile)
    ? readFileSync(labelledFile, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as {question: string; entry_id: string | null; context?: string})
    : []
  const visitors = await store.all<{visitor_id: string; ts: string}>(
    `select visitor_id, strftime(min(ts), '%Y-%m-%d %H:%M:%S') as ts from raw_probe_events
     where site = $site and type = 'pageview' and visitor_id not like 'v-story-%' group by all order by visitor_id limit $n`,
    {site: BOT_SITE, n: labelled.length},
  )
  const labels: string[] = ['exchange_id,correct']
  let answeredCount = 0
  visitors.forEach((v, i) => {
    const q = labelled[i]!
    let t = 120
    if (q.context) {
      ask(v.visitor_id, q.context, undefined, at(v.ts, t))
      t += 40
    }
    const {answer, exchangeId} = ask(v.visitor_id, q.question, q.context, at(v.ts, t))
    const right = answer.answered ? answer.entry?.id === q.entry_id : q.entry_id === null
    const key = `${options.seed}\u0000${i}`
    if (answer.answered) {
      if (chance(key + 'vote') < 0.4)
        append(at(v.ts, t + 20), v.visitor_id, {
          site: BOT_SITE,
          visitor_id: v.visitor_id,
          events: [{id: `${exchangeId}-vote`, type: 'bot_feedback', ref_id: exchangeId, props: JSON.stringify({vote: right ? 'up' : 'down'})}],
        })
      if (answeredCount++ % 3 === 0) labels.push(`${exchangeId},${right ? 1 : 0}`)
    }
    // after a wrong answer some visitors ask again in other words (another of the generator's questions for the entry)
    const again = answer.answered && !right && q.entry_id !== null ? labelled.find((o, j) => j !== i && o.entry_id === q.entry_id && !o.context) : undefined
    if (again && chance(key + 'again') < 0.5) {
      t += 60
      ask(v.visitor_id, again.question, undefined, at(v.ts, t))
    }
    if ((!answer.answered || !right) && chance(key + 'person') < 0.6)
      append(at(v.ts, t + 40), v.visitor_id, {
        site: BOT_SITE,
        visitor_id: v.visitor_id,
        events: [{id: `${exchangeId}-person`, type: 'chat_request', ref_id: exchangeId, props: JSON.stringify({source: 'bot'})}],
      })
  })

  const logDir = join(data, 'bot-log')
  mkdirSync(logDir, {recursive: true})
  writeFileSync(join(logDir, 'demo-bot-0001.ndjson'), lines.join(''))
  const labelsFile = join(data, 'bot_labels.csv')
  writeFileSync(labelsFile, labels.join('\n') + '\n')
  const {closedSegments} = await import('../serve/segment-log.js')
  const {ingestFiles} = await import('../ingest/service.js')
  const loaded = await ingestFiles(store, {source: 'probe', paths: closedSegments(logDir)})
  log(`    bot         ${seq} log lines (${story.length + visitors.length} visitors asked) from ${logDir}: ${loaded.totals.loaded} events`)
  return {story, labels: labelsFile}
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

/** The survey report's headline figures on the generated answers. */
async function surveyFigures(store: Store, config: LoadedConfig, log: (m: string) => void): Promise<DemoResult['surveys']> {
  const {surveyReport} = await import('../reports/service/survey.js')
  const {loadSurveysFile, surveysPathFor} = await import('../surveys/load.js')
  const result = await surveyReport(store, loadSurveysFile(surveysPathFor(config)).surveys, {words: 0})
  return result.surveys.map((s) => {
    const row = {
      survey: s.survey,
      version: s.version,
      shown: s.shown,
      answered: s.answered,
      responseRate: s.responseRate,
      csatTop2Box: s.csat?.top2Box ?? null,
      nps: s.nps?.nps ?? null,
    }
    log(`    survey      ${s.survey} v${s.version}: ${s.answered}/${s.shown} answered${s.csat ? `, CSAT top-2-box ${((s.csat.top2Box ?? 0) * 100).toFixed(1)}%` : ''}${s.nps?.nps != null ? `, NPS ${s.nps.nps.toFixed(1)}` : ''}`)
    return row
  })
}
