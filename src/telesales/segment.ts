import type {Library} from './library.js'
import type {ScriptMatcher, TextAnalysis} from './matcher.js'

/** Penalties of the stage path (in units of match score); see docs/metrics.md "Stage segmentation". */
export interface SegmentOptions {
  /** Evidence below this is treated as none (ASR noise). */
  noiseFloor: number
  /** Moving to the next stage. */
  advance: number
  /** Each stage skipped over when moving forward (missing stages are allowed, at a cost). */
  skip: number
  /** Moving back to an earlier stage (out-of-order talk), any distance. */
  back: number
  /** Entering a stage on a turn with no evidence for it: quiet turns ("ok", "嗯") never open a stage. */
  entry: number
}

export const DEFAULT_SEGMENT_OPTIONS: SegmentOptions = {noiseFloor: 0.45, advance: 0.05, skip: 0.2, back: 0.7, entry: 0.3}

let scratch = {a: new Float64Array(8), b: new Float64Array(8), back: new Int32Array(1024)}

/**
 * Monotone-ish Viterbi: the stage path that maximizes Σ evidence(turn, stage) − transition penalties.
 * A call may start at any stage (cost: skipping the ones before), skip stages and go back (penalized).
 * Turns without evidence inherit the stage around them.
 */
export function segmentStages(
  scores: ArrayLike<number>[],
  stageCount: number,
  options: SegmentOptions = DEFAULT_SEGMENT_OPTIONS,
): number[] {
  const T = scores.length
  if (T === 0) return []
  const S = stageCount
  const emit = (t: number, s: number) => {
    const v = scores[t][s]
    return v >= options.noiseFloor ? v : 0
  }
  const trans = (from: number, to: number) =>
    to === from ? 0 : to > from ? options.advance + options.skip * (to - from - 1) : options.back
  // Reused buffers: this runs once per call, and a few hundred thousand small typed arrays keep the GC busy.
  if (scratch.back.length < T * S) scratch.back = new Int32Array(2 * T * S)
  if (scratch.a.length < S) scratch = {a: new Float64Array(S), b: new Float64Array(S), back: scratch.back}
  let prev = scratch.a
  let cur = scratch.b
  const back = scratch.back
  for (let s = 0; s < S; s++) prev[s] = emit(0, s) - options.skip * s - (s > 0 && emit(0, s) === 0 ? options.entry : 0)
  for (let t = 1; t < T; t++) {
    for (let s = 0; s < S; s++) {
      // Entering a stage needs evidence on that turn (else `entry` is paid), so a quiet turn stays with the
      // stage before it. Ties prefer the nearest earlier stage, then staying, then later stages.
      const enter = emit(t, s) === 0 ? options.entry : 0
      let bestV = -Infinity
      let bestFrom = s
      for (let from = s - 1; from >= 0; from--) {
        const v = prev[from] - trans(from, s) - enter
        if (v > bestV + 1e-12) {
          bestV = v
          bestFrom = from
        }
      }
      if (prev[s] > bestV + 1e-12) {
        bestV = prev[s]
        bestFrom = s
      }
      for (let from = s + 1; from < S; from++) {
        const v = prev[from] - trans(from, s) - enter
        if (v > bestV + 1e-12) {
          bestV = v
          bestFrom = from
        }
      }
      cur[s] = bestV + emit(t, s)
      back[t * S + s] = bestFrom
    }
    const x = prev
    prev = cur
    cur = x
  }
  let state = 0
  for (let s = 1; s < S; s++) if (prev[s] > prev[state] + 1e-12) state = s
  const path = new Array<number>(T)
  for (let t = T - 1; t >= 0; t--) {
    path[t] = state
    state = back[t * S + state]
  }
  return path
}

export interface TranscriptTurn {
  turnNo: number
  speaker: string
  startMs: number | null
  endMs: number | null
  text: string | null
}

export interface StageSpan {
  stage: string
  stageOrder: number
  firstTurn: number
  lastTurn: number
  startMs: number | null
  endMs: number | null
  turns: number
  agentTurns: number
}

export interface ScriptHit {
  scriptId: string
  stage: string
  turnNo: number
  speaker: string
  offsetMs: number | null
  score: number
  /** The stage the segmentation put this turn in (may differ from the script's stage). */
  turnStage: string
  consequence: boolean
}

export interface CallAnalysis {
  turnStages: string[]
  stages: StageSpan[]
  hits: ScriptHit[]
}

/** Stages and script hits of one call; `turns` in any order (sorted by turn number here). */
export function analyzeCall(turns: TranscriptTurn[], matcher: ScriptMatcher, options?: SegmentOptions): CallAnalysis {
  const sorted = [...turns].sort((a, b) => a.turnNo - b.turnNo)
  return analyzeSortedTurns(
    sorted,
    sorted.map((t) => matcher.analyze(t.text)),
    matcher.library,
    options,
  )
}

/** Same, for turns already sorted and already matched (the pipeline matches each distinct text once). */
export function analyzeSortedTurns(
  sorted: TranscriptTurn[],
  analyses: TextAnalysis[],
  library: Library,
  options?: SegmentOptions,
): CallAnalysis {
  const path = segmentStages(
    analyses.map((a) => a.stageScores),
    library.stages.length,
    options,
  )
  const stages: StageSpan[] = []
  for (let t = 0; t < sorted.length; t++) {
    const s = path[t]
    const turn = sorted[t]
    let span = stages.at(-1)
    // One row per contiguous run; a stage revisited later gets another row with the same stage.
    if (!span || span.stageOrder !== s) {
      span = {
        stage: library.stages[s].id,
        stageOrder: s,
        firstTurn: turn.turnNo,
        lastTurn: turn.turnNo,
        startMs: turn.startMs,
        endMs: turn.endMs,
        turns: 0,
        agentTurns: 0,
      }
      stages.push(span)
    }
    span.lastTurn = turn.turnNo
    span.endMs = turn.endMs ?? span.endMs
    span.turns++
    if (turn.speaker === 'agent') span.agentTurns++
  }
  const hits: ScriptHit[] = []
  for (let t = 0; t < sorted.length; t++) {
    const turn = sorted[t]
    for (const h of analyses[t].hits) {
      const script = library.scripts[h.script]
      if (script.speaker !== turn.speaker) continue
      hits.push({
        scriptId: script.id,
        stage: script.stage,
        turnNo: turn.turnNo,
        speaker: turn.speaker,
        offsetMs: turn.startMs,
        score: h.score,
        turnStage: library.stages[path[t]].id,
        consequence: script.consequence,
      })
    }
  }
  return {turnStages: path.map((s) => library.stages[s].id), stages, hits}
}
