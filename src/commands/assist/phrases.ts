import {Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import type {GroupPhrases} from '../../selfservice/assist/service.js'

export default class AssistPhrases extends DataCommand<typeof AssistPhrases> {
  static description = `Each agent group's most frequent replies, mined from chat history: numbers, money, phone numbers, order
ids, dates, times, URLs and names become placeholders ({n}, {money}, {phone}, {id}, {date}, {time}, {url}, {name}), and a
word that varies across otherwise identical replies becomes {x}. The group is the conversation's queue.`
  static examples = ['<%= config.bin %> assist phrases', '<%= config.bin %> assist phrases --group service --top 10 --json']
  static flags = {
    group: Flags.string({description: 'only this agent group (queue)'}),
    top: Flags.integer({description: 'phrases per group', default: 15}),
    'min-count': Flags.integer({description: 'a phrase must have been sent at least this often', default: 2}),
    from: Flags.string({description: 'first day (YYYY-MM-DD) of the conversations read'}),
    to: Flags.string({description: 'last day, inclusive'}),
  }

  async run(): Promise<{groups: GroupPhrases[]}> {
    const {flags} = await this.parse(AssistPhrases)
    const {groupPhrases} = await import('../../selfservice/assist/service.js')
    const store = await this.openStore(this.dbPath(flags.db), {readOnly: true})
    const groups = await groupPhrases(store, {
      group: flags.group,
      top: flags.top,
      minCount: flags['min-count'],
      from: flags.from,
      to: flags.to,
    })
    for (const g of groups) {
      this.log(`\n${g.group} (${g.replies} replies)`)
      this.table(g.phrases.map((p) => ({count: p.count, share: `${(p.share * 100).toFixed(1)}%`, phrase: p.template})))
    }
    return {groups}
  }
}
