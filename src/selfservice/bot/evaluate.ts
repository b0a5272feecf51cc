import type {BotIndex} from './index.js'

/** A labelled question: the entry that answers it (null: nothing in the KB does; the bot should hand over). */
export interface LabelledQuestion {
  question: string
  entryId: string | null
  context?: string
  kind?: string
  line: number
}

export interface EvalGroup {
  group: string
  n: number
  /** In-scope questions whose best entry is the labelled one ÷ in-scope questions. */
  top1: number | null
  top3: number | null
  mrr: number | null
  /** Handed over ÷ all questions of the group. */
  handover: number | null
}

export interface ThresholdPoint {
  threshold: number
  /** Handed over ÷ all questions. */
  handover: number
  /** Answered with the labelled entry ÷ answered (an answered out-of-scope question counts as wrong). */
  answeredAccuracy: number | null
  /** In-scope questions answered with the labelled entry ÷ in-scope questions. */
  contained: number | null
  /** Out-of-scope questions handed over ÷ out-of-scope questions. */
  outOfScopeHandover: number | null
}

export interface EvalResult {
  questions: number
  inScope: number
  outOfScope: number
  threshold: number
  top1: number | null
  top3: number | null
  mrr: number | null
  handover: number
  answeredAccuracy: number | null
  outOfScopeHandover: number | null
  byCategory: EvalGroup[]
  byKind: EvalGroup[]
  curve: ThresholdPoint[]
  misses: Array<{line: number; question: string; context?: string; expected: string; got: string | null; confidence: number}>
}

interface Scored {
  q: LabelledQuestion
  rank: number | null
  top: string | null
  confidence: number
  category: string
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b)

/** Asks every labelled question (with its context) and scores the ranking; docs/metrics.md "FAQ bot". */
export function evaluateBot(index: BotIndex, labelled: LabelledQuestion[], threshold = index.options.handoverBelow): EvalResult {
  const scored: Scored[] = labelled.map((q) => {
    const a = index.ask(q.question, q.context ? {question: q.context} : {}, {rankAll: true, handoverBelow: threshold})
    const ranking = (a.ranking ?? []).filter((r) => r.score > 0)
    const pos = q.entryId === null ? -1 : ranking.findIndex((r) => r.id === q.entryId)
    const confidence = a.reason === 'asked_for_person' || a.reason === 'empty' ? 0 : a.confidence
    return {
      q,
      rank: pos >= 0 ? pos + 1 : null,
      top: ranking[0]?.id ?? null,
      confidence,
      category: q.entryId === null ? '(out of scope)' : (index.entry(q.entryId)?.category ?? '(none)'),
    }
  })
  const group = (name: string, rows: Scored[]): EvalGroup => {
    const inScope = rows.filter((r) => r.q.entryId !== null)
    return {
      group: name,
      n: rows.length,
      top1: ratio(inScope.filter((r) => r.rank === 1).length, inScope.length),
      top3: ratio(inScope.filter((r) => r.rank !== null && r.rank <= 3).length, inScope.length),
      mrr: ratio(
        inScope.reduce((s, r) => s + (r.rank ? 1 / r.rank : 0), 0),
        inScope.length,
      ),
      handover: ratio(rows.filter((r) => r.confidence < threshold).length, rows.length),
    }
  }
  const groupsBy = (key: (r: Scored) => string | undefined) => {
    const m = new Map<string, Scored[]>()
    for (const r of scored) {
      const k = key(r)
      if (k !== undefined) m.set(k, [...(m.get(k) ?? []), r])
    }
    return [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, rows]) => group(k, rows))
  }
  const point = (t: number): ThresholdPoint => {
    const answered = scored.filter((r) => r.confidence >= t)
    const right = (r: Scored) => r.q.entryId !== null && r.rank === 1
    const inScope = scored.filter((r) => r.q.entryId !== null)
    const out = scored.filter((r) => r.q.entryId === null)
    return {
      threshold: t,
      handover: ratio(scored.length - answered.length, scored.length) ?? 0,
      answeredAccuracy: ratio(answered.filter(right).length, answered.length),
      contained: ratio(answered.filter(right).length, inScope.length),
      outOfScopeHandover: ratio(out.filter((r) => r.confidence < t).length, out.length),
    }
  }
  const all = group('all', scored)
  const at = point(threshold)
  return {
    questions: scored.length,
    inScope: scored.filter((r) => r.q.entryId !== null).length,
    outOfScope: scored.filter((r) => r.q.entryId === null).length,
    threshold,
    top1: all.top1,
    top3: all.top3,
    mrr: all.mrr,
    handover: at.handover,
    answeredAccuracy: at.answeredAccuracy,
    outOfScopeHandover: at.outOfScopeHandover,
    byCategory: groupsBy((r) => r.category),
    byKind: groupsBy((r) => r.q.kind),
    curve: Array.from({length: 21}, (_, k) => point(Math.round(k * 5) / 100)),
    misses: scored
      .filter((r) => r.q.entryId !== null && r.rank !== 1)
      .map((r) => ({
        line: r.q.line,
        question: r.q.question,
        ...(r.q.context ? {context: r.q.context} : {}),
        expected: r.q.entryId!,
        got: r.top,
        confidence: r.confidence,
      })),
  }
}
