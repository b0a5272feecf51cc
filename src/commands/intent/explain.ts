import {existsSync} from 'node:fs'
import {Args, Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import type {IntentDecision, IntentInput, RuleHit} from '../../enrich/intent/types.js'

export interface ExplainResult {
  input: IntentInput & {sessionId?: string}
  tokens: string[]
  ruleHits: RuleHit[]
  ruleScores: Record<string, number>
  model?: {intent?: string; confidence: number; posterior: Record<string, number>; topFeatures: Array<{feature: string; weight: number}>}
  decision: IntentDecision
}

export default class IntentExplain extends DataCommand<typeof IntentExplain> {
  static description =
    "Explain how a text or a stored session is classified: jieba tokens, the rules that hit, the model's posterior and its top features, and the decision."
  static examples = ['<%= config.bin %> intent explain "深圳佳能维修站"', '<%= config.bin %> intent explain s-000123 --db ccx.duckdb']
  static args = {subject: Args.string({description: 'a search keyword / text, or a session id in the database', required: true})}
  static flags = {
    intents: Flags.string({description: 'intents file (default: config files.intents, else the shipped one)'}),
    model: Flags.string({description: 'model JSON (default: the intents file\'s "model")'}),
    url: Flags.string({description: 'landing URL to classify with the text'}),
    title: Flags.string({description: 'landing page title to classify with the text'}),
  }

  async run(): Promise<ExplainResult> {
    const {args, flags} = await this.parse(IntentExplain)
    const {intentsPathFor, loadIntents} = await import('../../enrich/intent/file.js')
    const {classify, makeClassifier, modelText} = await import('../../enrich/intent/classify.js')
    const {ruleHits, ruleScores} = await import('../../enrich/intent/rules.js')
    const {predict} = await import('../../enrich/intent/model.js')
    const {tokenize} = await import('../../enrich/intent/tokenize.js')
    const {file, model} = loadIntents(intentsPathFor(this.ccxConfig, flags.intents), flags.model)
    let input: ExplainResult['input'] = {term: args.subject, url: flags.url, title: flags.title}
    const db = this.dbPath(flags.db)
    // A session id is looked up when the database can be read; otherwise the argument is a text.
    const store = existsSync(db) ? await this.openStore(db, {readOnly: true}).catch(() => undefined) : undefined
    if (store) {
      if (await store.tableExists('sessions')) {
        const s = await store.one<{term: string | null; entry_url: string | null; entry_title: string | null}>(
          'select term, entry_url, entry_title from sessions where session_id = $id',
          {id: args.subject},
        )
        if (s) input = {sessionId: args.subject, term: s.term, url: s.entry_url, title: s.entry_title}
      }
    }
    const classifier = makeClassifier(file, model)
    const hits = ruleHits(input, classifier.rules)
    const scores = ruleScores(hits)
    const text = modelText(input)
    const p = model ? predict(model, text) : undefined
    const result: ExplainResult = {
      input,
      tokens: tokenize(text),
      ruleHits: hits,
      ruleScores: scores.scores,
      model:
        p && model
          ? {
              intent: p.intent,
              confidence: p.confidence,
              posterior: Object.fromEntries(model.classes.map((c, i) => [c, Math.round(p.posterior[i] * 1000) / 1000])),
              topFeatures: p.contributions.slice(0, 8),
            }
          : undefined,
      decision: classify(input, classifier),
    }
    this.log(
      `${input.sessionId ? `session ${input.sessionId}: ` : ''}term "${input.term ?? ''}"${input.url ? `  url ${input.url}` : ''}${input.title ? `  title "${input.title}"` : ''}`,
    )
    this.log(`tokens: ${result.tokens.join(' | ') || '(none)'}`)
    this.log(`rule hits: ${hits.length ? hits.map((h) => `${h.intent} ← ${h.field}~"${h.matched}" (+${h.weight})`).join('; ') : '(none)'}`)
    if (hits.length) this.log(`rule confidence: ${scores.best} ${scores.confidence.toFixed(3)} = best score / (total score + 0.5)`)
    if (result.model) {
      this.log(`model: ${result.model.intent ?? '(no known features)'} ${result.model.confidence.toFixed(3)}`)
      this.log(
        `top features (log-likelihood pull toward the winner vs the runner-up): ${result.model.topFeatures.map((f) => `${f.feature} ${f.weight > 0 ? '+' : ''}${f.weight}`).join(', ')}`,
      )
    }
    this.log(
      `decision: ${result.decision.intent} (${result.decision.method}, confidence ${result.decision.confidence}, threshold ${file.threshold})`,
    )
    return result
  }
}
