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
    } catch {
      // not percent-encoded: keep the text as it is
    }
    return normalizeText(decoded)
  }
  return normalizeText(raw)
}

type FieldMatches = Array<RuleHit | undefined>

/** What each rule matches in one field's text (per rule: its hit or undefined), worked out once per distinct text. */
const fieldMatchCache = new WeakMap<CompiledRules, Record<RuleField, Map<string, FieldMatches>>>()
const FIELD_CACHE_LIMIT = 100_000

function fieldMatches(compiled: CompiledRules, field: RuleField, raw: string): FieldMatches {
  let caches = fieldMatchCache.get(compiled)
  if (!caches) fieldMatchCache.set(compiled, (caches = {term: new Map(), url: new Map(), title: new Map()}))
  // Distinct keywords, landing pages and titles are few next to their combinations: match each one once.
  const cache = caches[field]
  const key = raw
  let matches = cache.get(key)
  if (matches) return matches
  const t = fieldText({[field]: raw} as IntentInput, field)
  matches = compiled.rules.map((r) => {
    if (!t || !r.fields.includes(field)) return undefined
    const c = r.contains.find((p) => t.includes(p))
    if (c) return {intent: r.intent, field, matched: c, weight: r.weight}
    if (r.regex) {
      const m = r.regex.exec(t)
      if (m) return {intent: r.intent, field, matched: m[0], weight: r.weight}
    }
    return undefined
  })
  if (cache.size >= FIELD_CACHE_LIMIT) cache.clear()
  cache.set(key, matches)
  return matches
}

/**
 * A signature of what the rules match in one field's text: two texts with the same signature give the same rule
 * hits, so a batch can decide the rule part once per combination of signatures.
 */
export function fieldMatchKey(compiled: CompiledRules, field: RuleField, raw: string | null | undefined): string {
  if (!raw) return ''
  return fieldMatches(compiled, field, raw)
    .map((m) => (m ? `+${m.matched}` : '-'))
    .join('\u0001')
}

/** Every rule that hits, once per rule (the first field and pattern that matched). */
export function ruleHits(input: IntentInput, compiled: CompiledRules): RuleHit[] {
  const byField: Record<RuleField, FieldMatches | undefined> = {
    term: input.term ? fieldMatches(compiled, 'term', input.term) : undefined,
    url: input.url ? fieldMatches(compiled, 'url', input.url) : undefined,
    title: input.title ? fieldMatches(compiled, 'title', input.title) : undefined,
  }
  const hits: RuleHit[] = []
  compiled.rules.forEach((r, i) => {
    for (const f of r.fields) {
      const hit = byField[f]?.[i]
      if (hit) {
        hits.push({...hit})
        break
      }
    }
  })
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
