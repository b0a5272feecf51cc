import {Args, Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import type {Suggestion} from '../../selfservice/assist/suggest.js'

export default class AssistSuggest extends DataCommand<typeof AssistSuggest> {
  static description = `Replies for a customer message from chat history: the past customer messages most like it and the agent
reply that followed each, ranked by similarity × (0.5 + 0.5 × outcome), the outcome being the mean of resolved, lead and
CSAT top-2-box of that conversation (docs/metrics.md "Agent assist").`
  static examples = [
    '<%= config.bin %> assist suggest "G3810多少钱？公司要买两台"',
    '<%= config.bin %> assist suggest "驱动装不上" --group support --json',
  ]
  static args = {message: Args.string({required: true, description: 'the customer message'})}
  static flags = {
    top: Flags.integer({description: 'replies to show', default: 5}),
    group: Flags.string({description: 'only replies of this agent group (queue)'}),
    'min-similarity': Flags.string({description: 'leave out past messages less similar than this (0..1)', default: '0.2'}),
    synonyms: Flags.string({description: 'synonyms file (default: files.synonyms, else defaults/bot-synonyms.json)'}),
    from: Flags.string({description: 'first day of the conversations read: YYYY-MM-DD, "YYYY-MM-DD HH:MM", today, yesterday or Nd'}),
    to: Flags.string({description: 'last day, inclusive (a time: exclusive)'}),
  }

  async run(): Promise<{message: string; exchanges: number; suggestions: Suggestion[]}> {
    const {args, flags} = await this.parse(AssistSuggest)
    const {suggestReplies} = await import('../../selfservice/assist/service.js')
    const {loadSynonyms, synonymsPathFor} = await import('../../selfservice/bot/synonyms.js')
    const {parseThreshold} = await import('../../selfservice/bot/flags.js')
    const {parseRange} = await import('../../reports/range.js')
    // the reports' one date parser: an impossible or unknown date is exit 2 before the database is opened
    const range = parseRange({from: flags.from, to: flags.to}, {timeZone: this.ccxConfig.config.timezone})
    const store = await this.openStore(this.dbPath(flags.db), {readOnly: true})
    const {exchanges, suggestions} = await suggestReplies(store, args.message, {
      synonyms: loadSynonyms(synonymsPathFor(this.ccxConfig, flags.synonyms)),
      top: flags.top,
      group: flags.group,
      minSimilarity: parseThreshold(flags['min-similarity'], '--min-similarity'),
      ...range,
    })
    this.table(
      suggestions.map((s) => ({
        score: s.score.toFixed(3),
        similar: s.similarity.toFixed(2),
        outcome: s.outcome.toFixed(2),
        reply: s.reply,
        'to message': s.customerMessage,
        used: s.alsoUsed + 1,
      })),
    )
    this.progress(`${exchanges} past customer message → agent reply pairs searched`)
    return {message: args.message, exchanges, suggestions}
  }
}
