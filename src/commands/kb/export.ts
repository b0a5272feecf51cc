import {Args} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'

export default class KbExport extends DataCommand<typeof KbExport> {
  static description = `Write the current knowledge base (with each entry's version) as JSON: what \`ccx serve\` and
\`ccx bot ask --kb\` answer from without the database, and what \`kb import\` reads back.`
  static examples = ['<%= config.bin %> kb export kb-current.json']
  static args = {file: Args.string({required: true, description: 'output JSON file'})}

  async run(): Promise<{file: string; entries: number}> {
    const {args, flags} = await this.parse(KbExport)
    const {resolve} = await import('node:path')
    const {writeFileSync} = await import('node:fs')
    const {requireKb, exportDocument} = await import('../../selfservice/kb/service.js')
    const store = await this.openStore(this.dbPath(flags.db), {readOnly: true})
    const entries = await requireKb(store)
    const file = resolve(args.file)
    writeFileSync(file, JSON.stringify(exportDocument(entries), null, 2) + '\n')
    this.log(`wrote ${entries.length} entries to ${file}`)
    return {file, entries: entries.length}
  }
}
