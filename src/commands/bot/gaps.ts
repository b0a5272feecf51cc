import {Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import type {GapCluster} from '../../selfservice/bot/gaps.js'
import {kbFlags} from './ask.js'

export default class BotGaps extends DataCommand<typeof BotGaps> {
  static description = `Questions the FAQ bot cannot answer, grouped by similarity with counts: what to add to the KB next. The
questions are what visitors asked the bot in serve (bot_exchanges, from the event log), else the first message of each
chat, or a file (--questions), asked again of the current KB; those below the hand-over confidence are grouped (Jaccard
of character bigrams ≥ --similarity).`
  static examples = ['<%= config.bin %> bot gaps', '<%= config.bin %> bot gaps --questions asked.txt --kb kb.json --json']
  static flags = {
    questions: Flags.string({description: 'a file of questions, one per line (or NDJSON with "question"), instead of the database'}),
    source: Flags.string({
      description: 'which questions of the database: auto = bot exchanges when there are any, else chat openers',
      options: ['auto', 'exchanges', 'chats'],
      default: 'auto',
    }),
    similarity: Flags.string({description: 'bigram Jaccard at or above which two questions are grouped', default: '0.35'}),
    threshold: Flags.string({description: 'hand-over confidence (default: bot.handoverBelow)'}),
    top: Flags.integer({description: 'groups to show', default: 20}),
    ...kbFlags,
  }

  async run(): Promise<{from: string; asked: number; unanswered: number; groups: GapCluster[]}> {
    const {flags} = await this.parse(BotGaps)
    const {createBot} = await import('../../selfservice/bot-service.js')
    const {parseThreshold} = await import('../../selfservice/bot/flags.js')
    const {clusterGaps} = await import('../../selfservice/bot/gaps.js')
    const {gapQuestions} = await import('../../selfservice/gap-source.js')
    const similarity = parseThreshold(flags.similarity, '--similarity')!
    const needStore = !flags.kb || !flags.questions
    const store = needStore ? await this.openStore(this.dbPath(flags.db), {readOnly: true}) : undefined
    const {bot} = await createBot(this.ccxConfig, {
      kbFile: flags.kb,
      store,
      synonymsFile: flags.synonyms,
      handoverBelow: parseThreshold(flags.threshold),
    })
    const {questions, from} = await gapQuestions({file: flags.questions, store, from: flags.source as 'auto' | 'exchanges' | 'chats'})
    const unanswered = questions.flatMap((q) => {
      const a = bot.ask(q)
      return a.reason === 'low_confidence' ? [{question: q, bestGuess: a.entry?.id ?? null, confidence: a.confidence}] : []
    })
    const groups = clusterGaps(unanswered, similarity).slice(0, flags.top)
    this.table(
      groups.map((g) => ({
        count: g.count,
        question: g.question,
        variants: g.distinct,
        'closest entry': g.bestGuess ?? '-',
        confidence: g.meanConfidence.toFixed(2),
      })),
    )
    this.progress(
      `${unanswered.length} of ${questions.length} questions from ${from} handed over (confidence < ${bot.options.handoverBelow})`,
    )
    return {from, asked: questions.length, unanswered: unanswered.length, groups}
  }
}
