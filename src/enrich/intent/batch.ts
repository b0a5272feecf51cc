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
export function classifyCombinations(terms: string[], pages: PageText[], termIdx: ArrayLike<number>, pageIdx: ArrayLike<number>, classifier: Classifier): BatchDecisions {
  const termSig = terms.map((t) => fieldMatchKey(classifier.rules, 'term', t || null))
  const pageSig = pages.map((p) => `${fieldMatchKey(classifier.rules, 'url', p.url)}\u0002${fieldMatchKey(classifier.rules, 'title', p.title)}`)
  const byRules = new Map<string, IntentDecision | null>()
  const byModel = new Map<string, IntentDecision | null>()
  const decisions: IntentDecision[] = []
  const idOf = new Map<IntentDecision, number>()
  const decisionOf = new Int32Array(termIdx.length)
  for (let k = 0; k < termIdx.length; k++) {
    const t = termIdx[k] as number
    const p = pageIdx[k] as number
    const input = {term: terms[t] || null, url: pages[p]!.url, title: pages[p]!.title}
    const ruleKey = `${termSig[t]}\u0003${pageSig[p]}`
    let d = byRules.get(ruleKey)
    if (d === undefined) {
      d = ruleDecision(input, classifier) ?? null
      byRules.set(ruleKey, d)
    }
    if (d === null) {
      const text = modelText(input)
      d = byModel.get(text)
      if (d === undefined) {
        d = modelDecision(input, classifier) ?? NO_DECISION
        byModel.set(text, d)
      }
    }
    let id = idOf.get(d!)
    if (id === undefined) {
      id = decisions.length
      decisions.push(d!)
      idOf.set(d!, id)
    }
    decisionOf[k] = id
  }
  return {decisionOf, decisions}
}
