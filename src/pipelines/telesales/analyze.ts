import {closeSync, openSync, rmSync, writeSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Library} from '../../telesales/library.js'
import type {TextAnalysis} from '../../telesales/matcher.js'
import {PreparedTexts, ScriptDetector} from '../../telesales/model/detect.js'
import type {ScriptModelFile} from '../../telesales/model/format.js'
import {analyzeSortedTurns, type TranscriptTurn} from '../../telesales/segment.js'
import {createJiebaTokenizer} from '../../telesales/text.js'
import {readSql, type Store} from '../../store/store.js'
import {sqlString} from '../../store/values.js'

function csvText(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

function csvNum(n: number | null): string {
  return n === null || n === undefined || Number.isNaN(n) ? '' : String(Math.round(n))
}

/** Buffered writer of a CSV file that DuckDB then COPYs in one statement (much faster than per-value appends). */
class CsvSpool {
  private fd: number
  private buffer: string[] = []
  private size = 0
  constructor(readonly path: string) {
    this.fd = openSync(path, 'w')
  }
  line(text: string): void {
    this.buffer.push(text)
    this.size += text.length
    if (this.size > 4_000_000) this.flush()
  }
  flush(): void {
    if (this.buffer.length > 0) writeSync(this.fd, this.buffer.join('\n') + '\n')
    this.buffer = []
    this.size = 0
  }
  close(): void {
    this.flush()
    closeSync(this.fd)
  }
}

/**
 * Prepares each distinct turn text once (phrasing matcher; with a trained model, each sentence's partial scores),
 * then walks the turns call by call (ordered, with integer ids for calls and texts so few strings cross from
 * DuckDB), detects scripts with each sentence's neighbours, segments each call and spools its stage runs and hits
 * to CSV files that DuckDB loads with COPY.
 */
export async function analyzeTranscripts(
  store: Store,
  library: Library,
  log: (m: string) => void = () => {},
  model?: ScriptModelFile,
): Promise<{calls: number; stages: number; hits: number; distinctTexts: number}> {
  const started = performance.now()
  const cpuStart = process.cpuUsage()
  const lap = (what: string) => {
    const cpu = process.cpuUsage(cpuStart)
    log(`  ${what}: ${Math.round(performance.now() - started)} ms (cpu ${Math.round((cpu.user + cpu.system) / 1000)} ms)`)
  }
  await store.run(readSql(import.meta.url, 'tables.sql'))
  await store.run(readSql(import.meta.url, 'ids.sql'))
  lap('ids')
  const detector = new ScriptDetector(library, model, await createJiebaTokenizer())

  // Each distinct text's result is packed into flat arrays: a few hundred thousand long-lived small objects
  // would make every garbage collection of the call loop below trace them again.
  const textCount = await store.scalar<number>('select count(*)::INTEGER from _telesales_texts')
  const prepared = new PreparedTexts(detector, textCount)
  const textsResult = await store.connection.stream('select text from _telesales_texts order by text_id')
  for (let chunk = await textsResult.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await textsResult.fetchChunk()) {
    for (const text of chunk.getColumns()[0] as Array<string | null>) prepared.add(text ?? '')
  }
  const textNo = prepared.size
  lap(`matched ${textNo} distinct texts`)

  const callIds = (
    await store.connection.runAndReadAll('select call_id from _telesales_calls order by call_no')
  ).getColumnsJS()[0] as string[]
  const dir = mkdtempSync(join(tmpdir(), 'ccx-telesales-'))
  const stageFile = new CsvSpool(join(dir, 'call_stages.csv'))
  const hitFile = new CsvSpool(join(dir, 'script_hits.csv'))
  const scoreFile = new CsvSpool(join(dir, 'call_script_scores.csv'))
  let stages = 0
  let hits = 0
  let scores = 0
  let calls = 0
  // Per call: each script's best score on a turn of its speaker, hits and near-misses (the verdict's threshold check).
  const bestScore = new Float64Array(library.scripts.length)
  try {
    // Speaker as a small code and numbers only: no per-row strings cross from DuckDB.
    const result = await store.connection.stream(
      `select c.call_no, t.turn_no::INTEGER, case t.speaker when 'agent' then 0 when 'customer' then 1 else 2 end::INTEGER,
              t.start_ms::DOUBLE, t.end_ms::DOUBLE, x.text_id
       from raw_transcript_turns t
       join _telesales_calls c using (call_id)
       join _telesales_texts x on x.text is not distinct from t.text
       order by c.call_no, t.turn_no`,
    )
    let current = -1
    let turns: TranscriptTurn[] = []
    let textIds: number[] = []
    const flush = () => {
      if (current < 0 || turns.length === 0) return
      const turnAnalyses: TextAnalysis[] = prepared.analyzeCall(
        textIds,
        turns.map((t) => t.speaker),
      )
      const a = analyzeSortedTurns(turns, turnAnalyses, library)
      const id = csvText(callIds[current])
      a.stages.forEach((s, k) => {
        stageFile.line(
          `${id},${k + 1},${s.stage},${s.stageOrder},${s.firstTurn},${s.lastTurn},${csvNum(s.startMs)},${csvNum(s.endMs)},${s.turns},${s.agentTurns}`,
        )
      })
      for (const h of a.hits)
        hitFile.line(
          `${id},${h.scriptId},${h.stage},${h.turnNo},${csvText(h.speaker)},${csvNum(h.offsetMs)},${h.score},${h.turnStage},${h.consequence}`,
        )
      bestScore.fill(-1)
      turnAnalyses.forEach((ta, t) => {
        for (const list of [ta.hits, ta.near ?? []])
          for (const h of list)
            if (library.scripts[h.script].speaker === turns[t].speaker && h.score > bestScore[h.script]) bestScore[h.script] = h.score
      })
      // A trained model scores every script on every sentence: its best score per call is kept however low (the
      // report's adjusted effects read the detector's evidence, not only its hits; docs/metrics.md "Adjusted effect").
      const scorer = detector.scorer
      if (scorer) {
        const K = scorer.K
        const best = prepared.lastBest
        for (let k = 0; k < K; k++) {
          const script = detector.modelScript[k]
          if (script < 0) continue
          let p = -1
          for (let t = 0; t < turns.length; t++) if (turns[t].speaker === library.scripts[script].speaker) p = Math.max(p, best[t * K + k])
          if (p < 0) continue
          const score = Math.round(detector.matchScore(k, p) * 1000) / 1000
          if (score > 0 && score > bestScore[script]) bestScore[script] = score
        }
      }
      for (let k = 0; k < bestScore.length; k++) {
        if (bestScore[k] < 0) continue
        scoreFile.line(`${id},${library.scripts[k].id},${bestScore[k]}`)
        scores++
      }
      stages += a.stages.length
      hits += a.hits.length
      calls++
      turns = []
      textIds = []
    }
    const SPEAKERS = ['agent', 'customer', 'other']
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const [callNos, turnNos, speakers, starts, ends, textIdCol] = chunk.getColumns() as [
        number[],
        number[],
        number[],
        Array<number | null>,
        Array<number | null>,
        number[],
      ]
      for (let r = 0; r < callNos.length; r++) {
        if (callNos[r] !== current) {
          flush()
          current = callNos[r]
        }
        turns.push({turnNo: turnNos[r], speaker: SPEAKERS[speakers[r]], startMs: starts[r], endMs: ends[r], text: null})
        textIds.push(textIdCol[r])
      }
    }
    flush()
    stageFile.close()
    hitFile.close()
    scoreFile.close()
    lap(`segmented ${calls} calls`)
    // COPY of an empty file fails (and would abort the runner's transaction): a database without transcripts has none.
    if (stages > 0) await store.run(`copy call_stages from ${sqlString(join(dir, 'call_stages.csv'))} (format csv, header false)`)
    if (hits > 0) await store.run(`copy script_hits from ${sqlString(join(dir, 'script_hits.csv'))} (format csv, header false)`)
    if (scores > 0)
      await store.run(`copy call_script_scores from ${sqlString(join(dir, 'call_script_scores.csv'))} (format csv, header false)`)
    lap('loaded stages and hits')
  } finally {
    rmSync(dir, {recursive: true, force: true})
    // After a failure the transaction is aborted and this would hide the real error; the runner rolls back anyway.
    await store.run('drop table if exists _telesales_calls; drop table if exists _telesales_texts').catch(() => {})
  }
  return {calls, stages, hits, distinctTexts: textNo}
}
