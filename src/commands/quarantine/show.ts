import {Args, Flags} from '@oclif/core'
import {existsSync} from 'node:fs'
import {DataCommand} from '../../cli/base-command.js'
import {CcxError, EXIT} from '../../errors.js'
import type {QuarantineRow} from '../../ingest/quarantine.js'

/** Quarantine commands only read: a database that does not exist is named, never created. */
export function existingDbPath(path: string): string {
  if (!existsSync(path))
    throw new CcxError(`database not found: ${path}`, {
      code: 'NO_DB',
      exit: EXIT.badInput,
      suggestions: ['Give the file with --db (or CCX_DB).'],
    })
  return path
}

export default class QuarantineShow extends DataCommand<typeof QuarantineShow> {
  static description = `The quarantined rows of a load (an ingest id from ccx quarantine list) or of files whose path contains the
text given: line, field, value, reason, the original line, and the flag or mapping to try.`
  static examples = [
    '<%= config.bin %> quarantine show 12',
    '<%= config.bin %> quarantine show bank.tsv --reason unmapped_value',
    '<%= config.bin %> quarantine show --json --limit 1000',
  ]
  static args = {
    load: Args.string({description: 'ingest id, or part of the file path (default: every load)'}),
  }
  static flags = {
    source: Flags.string({description: 'only this source (probe, calls, ...)'}),
    reason: Flags.string({description: 'only this reason code (bad_timestamp, unmapped_value, ...)'}),
    limit: Flags.integer({description: 'at most this many rows', default: 50}),
  }

  async run(): Promise<{rows: QuarantineRow[]}> {
    const {args, flags} = await this.parse(QuarantineShow)
    const {showQuarantine} = await import('../../ingest/quarantine.js')
    const store = await this.openStore(existingDbPath(this.dbPath(flags.db)), {readOnly: true})
    const rows = await showQuarantine(store, {file: args.load, source: flags.source, reason: flags.reason}, flags.limit)
    if (!this.jsonEnabled()) {
      if (rows.length === 0) this.log('(no quarantined rows)')
      for (const r of rows) {
        this.log(`${r.file}:${r.line ?? '?'}  ${r.field ?? ''}  ${r.reason}`)
        if (r.raw) this.log(`    ${r.raw.slice(0, 200)}`)
        this.log(`    try: ${r.hint}`)
      }
    }
    return {rows}
  }
}
