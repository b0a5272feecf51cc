/** What a session (or a bare text) is classified from. */
export interface IntentInput {
  term?: string | null
  url?: string | null
  title?: string | null
}

export type RuleField = 'term' | 'url' | 'title'

export interface IntentRule {
  /** Which inputs the rule looks at; default: term and title. */
  fields: RuleField[]
  /** Case-insensitive substrings; any one hits. */
  contains: string[]
  /** Optional regular expression (case-insensitive), tested on the same fields. */
  regex?: string
  weight: number
}

export interface IntentDef {
  id: string
  label: string
  rules: IntentRule[]
}

export interface IntentsFile {
  version: 1
  /** Below this confidence a session is `unknown`. */
  threshold: number
  /** Model JSON, relative to the intents file; absent = rules only. */
  model?: string
  intents: IntentDef[]
}

export interface RuleHit {
  intent: string
  field: RuleField
  matched: string
  weight: number
}

export type IntentMethod = 'rule' | 'model' | 'none'

export interface IntentDecision {
  intent: string
  confidence: number
  method: IntentMethod
  /** Short human-readable reason: the rule hits or the model's top features. */
  evidence: string
}

export const UNKNOWN = 'unknown'
