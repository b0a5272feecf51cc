import {Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import type {QuarantineListRow} from '../../ingest/quarantine.js'
import {existingDbPath} from './show.js'

export default class QuarantineList extends DataCommand<typeof QuarantineList> {
  static description = `Quarantined rows per loaded file: how many, and why (reason codes), newest load first.

Show the rows with ccx quarantine show <ingest id or file>, write them out with ccx quarantine export.`
  static examples = ['<%= config.bin %> quarantine list', '<%= config.bin %> quarantine list --source calls --json']
  static flags = {
    source: Flags.string({description: 'only loads of this source (probe, calls, ...)'}),
    reason: Flags.string({description: 'only this reason code (bad_timestamp, unmapped_value, ...)'}),
  }

  async run(): Promise<{loads: QuarantineListRow[]}> {
    const {flags} = await this.parse(QuarantineList)
    const {listQuarantine} = await import('../../ingest/quarantine.js')
    const store = await this.openStore(existingDbPath(this.dbPath(flags.db)), {readOnly: true})
    const loads = await listQuarantine(store, {source: flags.source, reason: flags.reason})
    this.table(
      loads.map((l) => ({
        ingest: l.ingestId,
        source: l.source,
        status: l.status,
        rows: l.rows,
        reasons: l.reasons.map((r) => `${r.code} ${r.count}`).join(', '),
        file: l.file,
      })),
    )
    return {loads}
  }
}
