import {modelDecision, modelText, NO_DECISION, ruleDecision, type Classifier} from './classify.js'
import {fieldMatchKey} from './rules.js'
import type {IntentDecision} from './types.js'

export interface PageText {
  url: string
  title: string
}

export interface BatchDecisions {
  /** decisionOf[k] = index into `decisions` for the k-th (term, page) combination */
  decisionOf: Int32Array
  /** the distinct decisions (few: many combinations end the same way) */
  decisions: IntentDecision[]
}

/**
 * Classifies (keyword, page) combinations given as indexes into the distinct keywords and pages; the same answers
 * as classify() on each combination, found with far less work: the rule part depends only on what the rules match
 * in the keyword and in the page (a signature per distinct keyword and per distinct page), so it is decided once per
 * pair of signatures; the model part once per distinct model text. Equal decisions are shared, so the caller stores
 * one small integer per combination.
 */
export function classifyCombinations(
  terms: string[],
  pages: PageText[],
  termIdx: ArrayLike<number>,
  pageIdx: ArrayLike<number>,
  classifier: Classifier,
): BatchDecisions {
  // Signatures become small integers, so the per-combination work is arithmetic and array lookups (no strings).
  const termSig = internAll(terms.map((t) => fieldMatchKey(classifier.rules, 'term', t || null)))
  const pageSig = internAll(
    pages.map((p) => `${fieldMatchKey(classifier.rules, 'url', p.url)}\u0002${fieldMatchKey(classifier.rules, 'title', p.title)}`),
  )
  const byRules = new Map<number, IntentDecision | null>()
  // the model reads the keyword, or the title when there is no keyword (modelText): one answer per keyword / title
  const termText = terms.map((t) => modelText({term: t || null, url: null, title: null}))
  const byTermText = new Map<string, IntentDecision>()
  const byTitle = new Map<string, IntentDecision>()
  const decisions: IntentDecision[] = []
  const idOf = new Map<IntentDecision, number>()
  const decisionOf = new Int32Array(termIdx.length)
  const input = (t: number, p: number) => ({term: terms[t] || null, url: pages[p]!.url, title: pages[p]!.title})
  for (let k = 0; k < termIdx.length; k++) {
    const t = termIdx[k] as number
    const p = pageIdx[k] as number
    const ruleKey = termSig.ids[t]! * pageSig.count + pageSig.ids[p]!
    let d = byRules.get(ruleKey)
    if (d === undefined) {
      d = ruleDecision(input(t, p), classifier) ?? null
      byRules.set(ruleKey, d)
    }
    if (d === null) {
      const text = termText[t]!
      const cache = text ? byTermText : byTitle
      const key = text || pages[p]!.title
      d = cache.get(key)
      if (d === undefined) {
        d = modelDecision(input(t, p), classifier) ?? NO_DECISION
        cache.set(key, d)
      }
    }
    let id = idOf.get(d)
    if (id === undefined) {
      id = decisions.length
      decisions.push(d)
      idOf.set(d, id)
    }
    decisionOf[k] = id
  }
  return {decisionOf, decisions}
}

/** Numbers equal strings alike: ids[i] is the number of values[i]; count is how many distinct values. */
function internAll(values: string[]): {ids: Int32Array; count: number} {
  const numbers = new Map<string, number>()
  const ids = new Int32Array(values.length)
  values.forEach((v, i) => {
    let n = numbers.get(v)
    if (n === undefined) numbers.set(v, (n = numbers.size))
    ids[i] = n
  })
  return {ids, count: Math.max(1, numbers.size)}
}
