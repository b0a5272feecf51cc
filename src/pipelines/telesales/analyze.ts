import type {DuckDBAppender} from '@duckdb/node-api'
import type {Library} from '../../telesales/library.js'
import {ScriptMatcher} from '../../telesales/matcher.js'
import {analyzeCall, type CallAnalysis, type TranscriptTurn} from '../../telesales/segment.js'
import {createJiebaTokenizer} from '../../telesales/text.js'
import {readSql, type Store} from '../../store/store.js'

function appendNullable(app: DuckDBAppender, v: number | null): void {
  if (v === null || v === undefined) app.appendNull()
  else app.appendBigInt(BigInt(Math.round(v)))
}

/**
 * Streams transcripts call by call (ordered), segments and matches each (distinct texts are matched once,
 * via the matcher's cache), then bulk-appends call_stages and script_hits.
 */
export async function analyzeTranscripts(store: Store, library: Library, log: (m: string) => void = () => {}): Promise<{calls: number; stages: number; hits: number; distinctTexts: number}> {
  await store.run(readSql(import.meta.url, 'tables.sql'))
  const matcher = new ScriptMatcher(library, {tokenizer: await createJiebaTokenizer()})
  const results: Array<[string, CallAnalysis]> = []
  const result = await store.connection.stream(
    `select call_id, turn_no::INTEGER, speaker, start_ms::DOUBLE, end_ms::DOUBLE, text
     from raw_transcript_turns order by call_id, turn_no`,
  )
  let currentId: string | undefined
  let turns: TranscriptTurn[] = []
  const flush = () => {
    if (currentId !== undefined && turns.length > 0) results.push([currentId, analyzeCall(turns, matcher)])
    turns = []
  }
  for await (const rows of result.yieldRowsJs()) {
    for (const row of rows) {
      const callId = row[0] as string
      if (callId !== currentId) {
        flush()
        currentId = callId
        if (results.length % 20000 === 0 && results.length > 0) log(`  … ${results.length} calls`)
      }
      turns.push({turnNo: row[1] as number, speaker: row[2] as string, startMs: row[3] as number | null, endMs: row[4] as number | null, text: row[5] as string | null})
    }
  }
  flush()

  let stages = 0
  let hits = 0
  const stageApp = await store.connection.createAppender('call_stages')
  for (const [callId, a] of results) {
    a.stages.forEach((s, k) => {
      stageApp.appendVarchar(callId)
      stageApp.appendInteger(k + 1)
      stageApp.appendVarchar(s.stage)
      stageApp.appendInteger(s.stageOrder)
      stageApp.appendInteger(s.firstTurn)
      stageApp.appendInteger(s.lastTurn)
      appendNullable(stageApp, s.startMs)
      appendNullable(stageApp, s.endMs)
      stageApp.appendInteger(s.turns)
      stageApp.appendInteger(s.agentTurns)
      stageApp.endRow()
      stages++
    })
  }
  stageApp.closeSync()
  const hitApp = await store.connection.createAppender('script_hits')
  for (const [callId, a] of results) {
    for (const h of a.hits) {
      hitApp.appendVarchar(callId)
      hitApp.appendVarchar(h.scriptId)
      hitApp.appendVarchar(h.stage)
      hitApp.appendInteger(h.turnNo)
      hitApp.appendVarchar(h.speaker)
      appendNullable(hitApp, h.offsetMs)
      hitApp.appendDouble(h.score)
      hitApp.appendVarchar(h.turnStage)
      hitApp.appendBoolean(h.consequence)
      hitApp.endRow()
      hits++
    }
  }
  hitApp.closeSync()
  return {calls: results.length, stages, hits, distinctTexts: matcher.cacheSize}
}
