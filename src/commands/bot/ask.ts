import {Args, Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import type {BotAnswer} from '../../selfservice/bot/index.js'

export const kbFlags = {
  kb: Flags.string({description: 'answer from this KB file (CSV/JSON, e.g. from `kb export`) instead of the database'}),
  synonyms: Flags.string({description: 'synonyms file (default: files.synonyms from the config, else defaults/bot-synonyms.json)'}),
}

export default class BotAsk extends DataCommand<typeof BotAsk> {
  static description = `Ask the FAQ bot a question: the answer, the matched entry (id and version), a confidence, other entries
the visitor may have meant, and the entry's links and cards; below the hand-over confidence (bot.handoverBelow) it
hands over to a person. --context gives the previous question, so a short follow-up ("那多少钱？") stays on its topic.`
  static examples = [
    '<%= config.bin %> bot ask "佳能维修站在哪里"',
    '<%= config.bin %> bot ask "那多少钱？" --context "R50参数怎么样"',
    '<%= config.bin %> bot ask "driver download" --kb kb-current.json --json',
  ]
  static args = {question: Args.string({required: true, description: 'the visitor question'})}
  static flags = {
    context: Flags.string({description: 'the previous question of the conversation'}),
    'context-entry': Flags.string({description: 'the entry that answered the previous question'}),
    threshold: Flags.string({description: 'hand over below this confidence (default: bot.handoverBelow)'}),
    ...kbFlags,
  }

  async run(): Promise<BotAnswer> {
    const {args, flags} = await this.parse(BotAsk)
    const {createBot} = await import('../../selfservice/bot-service.js')
    const {parseThreshold} = await import('../../selfservice/bot/flags.js')
    const store = flags.kb ? undefined : await this.openStore(this.dbPath(flags.db), {readOnly: true})
    const {bot} = await createBot(this.ccxConfig, {
      kbFile: flags.kb,
      store,
      synonymsFile: flags.synonyms,
      handoverBelow: parseThreshold(flags.threshold),
    })
    const answer = bot.ask(args.question, {question: flags.context, entryId: flags['context-entry']})
    const pct = (v: number) => `${(v * 100).toFixed(0)}%`
    if (answer.answered && answer.entry) {
      this.log(answer.entry.answer)
      for (const l of answer.entry.links) this.log(`  [${l.kind}] ${l.title} → ${l.url}`)
      if (answer.entry.followups.length > 0) this.log(`  you may also ask: ${answer.entry.followups.map((f) => f.question).join(' | ')}`)
      this.progress(
        `entry ${answer.entry.id} v${answer.entry.version} (${answer.entry.question}), confidence ${pct(answer.confidence)}${answer.followUp ? ', follow-up of the previous question' : ''}`,
      )
    } else {
      const why =
        answer.reason === 'asked_for_person'
          ? 'the visitor asked for a person'
          : answer.reason === 'empty'
            ? 'nothing to go on'
            : `confidence ${pct(answer.confidence)} below ${pct(bot.options.handoverBelow)}`
      this.log(`→ hand over to a person (${why})`)
      if (answer.entry) this.progress(`best guess: ${answer.entry.id} (${answer.entry.question})`)
    }
    if (answer.alternatives.length > 0)
      this.log(`  did you mean: ${answer.alternatives.map((a) => `${a.question} [${a.id}, ${pct(a.confidence)}]`).join(' | ')}`)
    return answer
  }
}
