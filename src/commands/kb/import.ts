import {Args, Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import type {KbImportResult} from '../../selfservice/kb/service.js'

export default class KbImport extends DataCommand<typeof KbImport> {
  static description = `Import FAQ knowledge-base entries from a CSV or JSON file (id, question, similar questions, answer, category,
scene, links/cards, follow-ups; Chinese or English; UTF-8 or GB18030).

A new or changed entry gets a new version (answers logged with its id and version stay traceable); an unchanged one
keeps its version. With --replace, entries missing from the file are retired (their history stays). Every problem is
reported with its line and field, and nothing is imported then (exit 6). Format: docs/selfservice.md.`
  static examples = ['<%= config.bin %> kb import fixtures/out/kb.json', '<%= config.bin %> kb import faq.csv --replace --json']
  static args = {file: Args.string({required: true, description: 'KB file (.csv or .json)'})}
  static flags = {
    replace: Flags.boolean({description: 'the file is the whole KB: retire entries it does not hold', default: false}),
  }

  async run(): Promise<KbImportResult> {
    const {args, flags} = await this.parse(KbImport)
    const {resolve} = await import('node:path')
    const {readKbFile, importKb} = await import('../../selfservice/kb/service.js')
    const file = resolve(args.file)
    const kb = readKbFile(file)
    const store = await this.openStore(this.dbPath(flags.db))
    const result = await importKb(store, kb, {file, replace: flags.replace})
    for (const w of result.warnings) this.progress(`warning: ${file}:${w.line} ${w.field} = ${JSON.stringify(w.value)}: ${w.message}`)
    this.log(
      `imported ${result.entries} entries from ${file} (${kb.format}, ${kb.encoding}): ${result.added.length} new, ${result.changed.length} changed, ${result.unchanged} unchanged, ${result.retired.length} retired`,
    )
    return result
  }
}
