import {Args, Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import type {KbVersion} from '../../selfservice/kb/service.js'

export default class KbShow extends DataCommand<typeof KbShow> {
  static description = `Show one knowledge-base entry: question, similar questions, answer, links and follow-ups; --version N shows
it as it was in that version (the version an answer log names), --history lists every version.`
  static examples = ['<%= config.bin %> kb show svc-station', '<%= config.bin %> kb show svc-station --version 1 --json']
  static args = {id: Args.string({required: true, description: 'entry id'})}
  static flags = {
    version: Flags.integer({description: 'this version (default: the latest)'}),
    history: Flags.boolean({description: 'list every version', default: false}),
  }

  async run(): Promise<{entry: KbVersion; history: Array<{version: number; retired: boolean; importedAt: string; file: string}>}> {
    const {args, flags} = await this.parse(KbShow)
    const {CcxError, EXIT} = await import('../../errors.js')
    const {entryVersions} = await import('../../selfservice/kb/service.js')
    const store = await this.openStore(this.dbPath(flags.db), {readOnly: true})
    const versions = (await store.tableExists('kb_entries')) ? await entryVersions(store, args.id) : []
    if (versions.length === 0)
      throw new CcxError(`no knowledge-base entry "${args.id}" in ${store.path}`, {
        code: 'KB_NO_ENTRY',
        exit: EXIT.badInput,
        suggestions: ['`ccx kb list` shows the ids.'],
      })
    const entry = flags.version === undefined ? versions[0] : versions.find((v) => v.version === flags.version)
    if (!entry)
      throw new CcxError(`entry "${args.id}" has no version ${flags.version} (versions: ${versions.map((v) => v.version).join(', ')})`, {
        code: 'KB_NO_VERSION',
        exit: EXIT.badInput,
      })
    const history = versions.map((v) => ({version: v.version, retired: v.retired, importedAt: v.importedAt, file: v.file}))
    this.log(`${entry.id} v${entry.version}${entry.retired ? ' (retired)' : ''}  [${entry.category ?? '-'} / ${entry.scene ?? '-'}]`)
    this.log(`Q: ${entry.question}`)
    for (const s of entry.similar) this.log(`   ~ ${s}`)
    this.log(`A: ${entry.answer}`)
    for (const l of entry.links) this.log(`   [${l.kind}] ${l.title} → ${l.url}`)
    if (entry.followups.length > 0) this.log(`   follow-ups: ${entry.followups.join(', ')}`)
    this.log(`   from ${entry.file}${entry.sourceLine ? `:${entry.sourceLine}` : ''} at ${entry.importedAt}`)
    if (flags.history) {
      this.log('')
      this.table(history)
    }
    return {entry, history}
  }
}
