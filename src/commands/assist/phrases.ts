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
    from: Flags.string({description: 'first day of the conversations read: YYYY-MM-DD, "YYYY-MM-DD HH:MM", today, yesterday or Nd'}),
    to: Flags.string({description: 'last day, inclusive (a time: exclusive)'}),
  }

  async run(): Promise<{groups: GroupPhrases[]}> {
    const {flags} = await this.parse(AssistPhrases)
    const {groupPhrases} = await import('../../selfservice/assist/service.js')
    const {parseRange} = await import('../../reports/range.js')
    // the reports' one date parser: an impossible or unknown date is exit 2 before the database is opened
    const range = parseRange({from: flags.from, to: flags.to}, {timeZone: this.ccxConfig.config.timezone})
    const store = await this.openStore(this.dbPath(flags.db), {readOnly: true})
    const groups = await groupPhrases(store, {
      group: flags.group,
      top: flags.top,
      minCount: flags['min-count'],
      ...range,
    })
    for (const g of groups) {
      this.log(`\n${g.group} (${g.replies} replies)`)
      this.table(g.phrases.map((p) => ({count: p.count, share: `${(p.share * 100).toFixed(1)}%`, phrase: p.template})))
    }
    return {groups}
  }
}
