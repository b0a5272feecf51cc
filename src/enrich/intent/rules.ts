import type {IntentDef, IntentInput, RuleField, RuleHit} from './types.js'
import {normalizeText} from './tokenize.js'

export interface CompiledRules {
  intents: string[]
  rules: Array<{intent: string; fields: RuleField[]; contains: string[]; regex?: RegExp; weight: number}>
}

export function compileRules(intents: IntentDef[]): CompiledRules {
  return {
    intents: intents.map((i) => i.id),
    rules: intents.flatMap((i) =>
      i.rules.map((r) => ({
        intent: i.id,
        fields: r.fields,
        contains: r.contains.map((c) => normalizeText(c)).filter(Boolean),
        regex: r.regex ? new RegExp(r.regex, 'i') : undefined,
        weight: r.weight,
      })),
    ),
  }
}

function fieldText(input: IntentInput, field: RuleField): string {
  const raw = input[field]
  if (!raw) return ''
  if (field === 'url') {
    // Only the path and query words: the host is the same for every landing page of a site.
    const noHost = raw.replace(/^[a-z]+:\/\/[^/]+/i, '')
    let decoded = noHost
    try {
      decoded = decodeURIComponent(noHost)
    } catch {}
    return normalizeText(decoded)
  }
  return normalizeText(raw)
}

/** Every rule that hits, once per rule (the first field and pattern that matched). */
export function ruleHits(input: IntentInput, compiled: CompiledRules): RuleHit[] {
  const texts = {term: fieldText(input, 'term'), url: fieldText(input, 'url'), title: fieldText(input, 'title')}
  const hits: RuleHit[] = []
  for (const r of compiled.rules) {
    let hit: RuleHit | undefined
    for (const f of r.fields) {
      const t = texts[f]
      if (!t) continue
      const c = r.contains.find((p) => t.includes(p))
      if (c) hit = {intent: r.intent, field: f, matched: c, weight: r.weight}
      else if (r.regex) {
        const m = r.regex.exec(t)
        if (m) hit = {intent: r.intent, field: f, matched: m[0], weight: r.weight}
      }
      if (hit) break
    }
    if (hit) hits.push(hit)
  }
  return hits
}

/**
 * Rule score per intent = sum of hit weights. The winner's confidence is s_best / (s_total + 0.5):
 * one clean hit of weight 1 gives 0.67, two agreeing hits 0.8, a 1-vs-1 tie 0.4 (below the default threshold).
 */
export function ruleScores(hits: RuleHit[]): {best?: string; confidence: number; scores: Record<string, number>} {
  const scores: Record<string, number> = {}
  for (const h of hits) scores[h.intent] = (scores[h.intent] ?? 0) + h.weight
  let best: string | undefined
  let total = 0
  for (const [k, v] of Object.entries(scores)) {
    total += v
    if (best === undefined || v > scores[best]) best = k
  }
  return {best, confidence: best === undefined ? 0 : scores[best] / (total + 0.5), scores}
}
