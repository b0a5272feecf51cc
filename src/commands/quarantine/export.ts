import {Args, Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import {existingDbPath} from './show.js'

export default class QuarantineExport extends DataCommand<typeof QuarantineExport> {
  static description = `Write quarantined rows (ingest id, source, file, line, field, code, reason, value, raw line) to a CSV,
Parquet or NDJSON file, to fix them at the source or feed them back.`
  static examples = [
    '<%= config.bin %> quarantine export --out bad.csv',
    '<%= config.bin %> quarantine export 12 --reason bad_timestamp --out bad.parquet',
  ]
  static args = {
    load: Args.string({description: 'ingest id, or part of the file path (default: every load)'}),
  }
  static flags = {
    out: Flags.string({description: 'file to write: .csv, .parquet or .ndjson', required: true}),
    source: Flags.string({description: 'only this source (probe, calls, ...)'}),
    reason: Flags.string({description: 'only this reason code'}),
  }

  async run(): Promise<{out: string; rows: number}> {
    const {args, flags} = await this.parse(QuarantineExport)
    const {exportQuarantine} = await import('../../ingest/quarantine.js')
    const store = await this.openStore(existingDbPath(this.dbPath(flags.db)), {readOnly: true})
    const rows = await exportQuarantine(store, {file: args.load, source: flags.source, reason: flags.reason}, flags.out)
    this.progress(`${rows} quarantined row${rows === 1 ? '' : 's'} written to ${flags.out}`)
    return {out: flags.out, rows}
  }
}
