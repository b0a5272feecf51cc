import {existsSync, readFileSync, statSync} from 'node:fs'
import {CcxError, EXIT} from '../errors.js'
import type {OpenOptions, Store} from '../store/store.js'

export interface OpenWaitingOptions {
  /** READ_ONLY: many readers at once, nothing created, no migration. */
  readOnly: boolean
  /** Seconds to wait while another process holds the file (0: fail at once). */
  waitS: number
  /** Told once when the wait starts (stderr). */
  onWait?: (message: string) => void
  /** Refuse to create the file (a writer that only refreshes what exists). */
  mustExist?: boolean
  /** DuckDB's memory limit, spill folder and threads (config `store`). */
  limits?: Omit<OpenOptions, 'readOnly' | 'skipMigrations'>
}

/**
 * Opens the database for a report or a refresh. A missing file is an error naming it (readers create nothing); a file
 * held by another process (DuckDB: one writer or many readers) is waited for, with one message, up to `waitS`; a file
 * whose schema is older than this code is refused with what to run (readers do not migrate).
 */
export async function openDatabase(path: string, options: OpenWaitingOptions): Promise<Store> {
  if (path !== ':memory:' && (options.readOnly || options.mustExist) && !isFile(path)) {
    throw new CcxError(`database file not found: ${path}`, {
      code: 'NO_DATABASE',
      exit: EXIT.badInput,
      suggestions: [
        'Check --db, CCX_DB or "db" in ccx.config.json (the default is ./ccx.duckdb in the current folder).',
        'A new database is made by loading data: `ccx ingest <source> FILE --db PATH`.',
      ],
    })
  }
  const {Store} = await import('../store/store.js')
  const deadline = Date.now() + options.waitS * 1000
  let delay = 50
  let waitedSince: number | undefined
  for (;;) {
    let store: Store
    try {
      store = await Store.open(path, {...options.limits, readOnly: options.readOnly})
    } catch (error) {
      if (!(error instanceof CcxError) || error.code !== 'DB_BUSY') throw error
      const now = Date.now()
      if (now >= deadline) {
        if (waitedSince === undefined) throw error
        throw new CcxError(`database ${path} is still in use by ${holderOf(error.message)} after waiting ${options.waitS} s`, {
          code: 'DB_BUSY',
          exit: EXIT.databaseBusy,
          suggestions: [
            options.readOnly
              ? 'Wait longer with --wait SECONDS, or run the report when the writer (ingest, run, a scheduled job) is done.'
              : 'Wait longer with --wait SECONDS, or run it when the other ccx process (a report, ingest, run or a scheduled job) is done.',
          ],
        })
      }
      if (waitedSince === undefined) {
        waitedSince = now
        // a reader waits for a writer; a writer (ingest, run) waits for readers and writers alike
        const use = options.readOnly ? 'being written' : 'in use'
        options.onWait?.(`${path} is ${use} by ${holderOf(error.message)}; waiting up to ${options.waitS} s for it (--wait)…`)
      }
      await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(0, deadline - now))))
      delay = Math.min(1000, delay * 1.5)
      continue
    }
    if (waitedSince !== undefined) options.onWait?.(`${path} is free after ${((Date.now() - waitedSince) / 1000).toFixed(1)} s`)
    if (options.readOnly) {
      try {
        await checkSchema(store, path)
      } catch (error) {
        await store.close().catch(() => {})
        throw error
      }
    }
    return store
  }
}

async function checkSchema(store: Store, path: string): Promise<void> {
  const {pendingMigrations} = await import('../store/migrate.js')
  const pending = await pendingMigrations(store)
  if (pending === null) {
    throw new CcxError(`${path} is not a ccx database (it has no schema_migrations table)`, {
      code: 'NOT_CCX_DATABASE',
      exit: EXIT.badInput,
      suggestions: ['Point --db at the file `ccx ingest` wrote.'],
    })
  }
  if (pending.length > 0) {
    throw new CcxError(
      `${path} was written by an older ccx: its schema lacks ${pending.length} migration(s) (${pending.map((m) => `${String(m.version).padStart(3, '0')}_${m.name}`).join(', ')}); reports open the database read-only and do not migrate it`,
      {
        code: 'DB_SCHEMA_OLD',
        exit: EXIT.failure,
        suggestions: [`Upgrade it once with \`ccx run --db ${path}\` (it migrates, then brings the tables up to date), or add --refresh.`],
      },
    )
  }
}

function isFile(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isFile()
  } catch {
    return false
  }
}

/** "PID 123 (ccx ingest probe …)" from DuckDB's lock message, naming the command where /proc tells it. */
function holderOf(message: string): string {
  const pid = /PID (\d+)/.exec(message)?.[1]
  if (!pid) return 'another process'
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
    const run = argv.findIndex((a) => /(?:^|\/)(?:run|dev)\.js$|(?:^|\/)ccx$/.test(a))
    if (run >= 0) return `PID ${pid} (ccx ${argv.slice(run + 1, run + 4).join(' ')}${argv.length > run + 4 ? ' …' : ''})`
  } catch {
    // not Linux, or the process is gone
  }
  return `PID ${pid}`
}
