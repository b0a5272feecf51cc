import {Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'

export interface KbListRow {
  id: string
  version: number
  category: string | null
  scene: string | null
  question: string
  similar: number
  links: number
}

export default class KbList extends DataCommand<typeof KbList> {
  static description = 'List the current knowledge-base entries (latest version of each, retired ones left out).'
  static examples = ['<%= config.bin %> kb list', '<%= config.bin %> kb list --category support --json']
  static flags = {
    category: Flags.string({description: 'only this category'}),
    scene: Flags.string({description: 'only this scene'}),
  }

  async run(): Promise<{entries: KbListRow[]}> {
    const {flags} = await this.parse(KbList)
    const {requireKb} = await import('../../selfservice/kb/service.js')
    const store = await this.openStore(this.dbPath(flags.db), {readOnly: true})
    const entries = (await requireKb(store))
      .filter((e) => (!flags.category || e.category === flags.category) && (!flags.scene || e.scene === flags.scene))
      .map((e) => ({
        id: e.id,
        version: e.version,
        category: e.category,
        scene: e.scene,
        question: e.question,
        similar: e.similar.length,
        links: e.links.length,
      }))
    this.table(entries)
    this.progress(`${entries.length} entries`)
    return {entries}
  }
}
