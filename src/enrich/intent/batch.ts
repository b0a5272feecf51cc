import {classify, type Classifier} from './classify.js'
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
 * Classifies (keyword, page) combinations given as indexes into the distinct keywords and pages. Rule matches are
 * worked out per distinct field text and model answers per distinct model text (both cached by the classifier), and
 * equal decisions are shared, so the caller stores one small integer per combination.
 */
export function classifyCombinations(terms: string[], pages: PageText[], termIdx: ArrayLike<number>, pageIdx: ArrayLike<number>, classifier: Classifier): BatchDecisions {
  const decisions: IntentDecision[] = []
  const idOf = new Map<string, number>()
  const decisionOf = new Int32Array(termIdx.length)
  for (let k = 0; k < termIdx.length; k++) {
    const page = pages[pageIdx[k] as number] as PageText
    const d = classify({term: terms[termIdx[k] as number] || null, url: page.url, title: page.title}, classifier)
    const key = `${d.intent}\u0001${d.confidence}\u0001${d.method}\u0001${d.evidence}`
    let id = idOf.get(key)
    if (id === undefined) {
      id = decisions.length
      decisions.push(d)
      idOf.set(key, id)
    }
    decisionOf[k] = id
  }
  return {decisionOf, decisions}
}
