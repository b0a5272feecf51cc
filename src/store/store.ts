import type {DuckDBAppender, DuckDBConnection, DuckDBInstance} from '@duckdb/node-api'
import type * as DuckDB from '@duckdb/node-api'
import {existsSync, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {CcxError, EXIT} from '../errors.js'
import {toPlain} from './values.js'
import {migrate} from './migrate.js'

export type SqlParams = Record<string, unknown> | unknown[]
export type Row = Record<string, unknown>

export interface OpenOptions {
  readOnly?: boolean
  /** Skip migrations (only for tools that inspect a foreign file). */
  skipMigrations?: boolean
  /** DuckDB's memory limit (`1GB`, `512MB`…): beyond it, big sorts, joins and aggregates spill to `tempDirectory`. */
  memoryLimit?: string
  /** Where DuckDB spills (default: `<database>.tmp` beside the file). */
  tempDirectory?: string
  /** Worker threads (default: one per core). */
  threads?: number
}

/** Store options from the config's `store` section (docs/config.md), for every command that opens the database. */
export function storeLimits(store: {memoryLimit?: string; tempDirectory?: string; threads?: number} | undefined): OpenOptions {
  return {memoryLimit: store?.memoryLimit, tempDirectory: store?.tempDirectory, threads: store?.threads}
}

/**
 * @duckdb/node-api, from the build's one-file bundle when there is one (scripts/bundle-vendor.mjs: ~70 ms less CPU per
 * command than its ~180 files), else the package (tests running the TypeScript sources). require, not import():
 * importing this CommonJS package from ESM makes Node scan its files for named exports, 0.1–0.2 s of CPU.
 */
function duckdb(): typeof DuckDB {
  const bundle = fileURLToPath(new URL('../vendor/duckdb-node-api.cjs', import.meta.url))
  return createRequire(import.meta.url)(existsSync(bundle) ? bundle : '@duckdb/node-api') as typeof DuckDB
}

/**
 * The one DuckDB instance of this process and its connection.
 * DuckDB allows one read-write process per file; a second one gets a CcxError naming the holder.
 */
export class Store {
  private constructor(
    readonly path: string,
    readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    readonly readOnly: boolean,
  ) {}

  static async open(path: string, options: OpenOptions = {}): Promise<Store> {
    const {DuckDBInstance} = duckdb()
    let instance: DuckDBInstance
    const settings: Record<string, string> = {}
    if (options.readOnly) settings.access_mode = 'READ_ONLY'
    if (options.memoryLimit) settings.memory_limit = options.memoryLimit
    if (options.tempDirectory) settings.temp_directory = options.tempDirectory
    if (options.threads) settings.threads = String(options.threads)
    try {
      instance = await DuckDBInstance.create(path, settings)
    } catch (error) {
      throw translateOpenError(path, error)
    }
    const connection = await instance.connect()
    const store = new Store(path, instance, connection, Boolean(options.readOnly))
    if (!options.readOnly && !options.skipMigrations) await migrate(store)
    return store
  }

  /** Runs one or more statements; returns nothing. */
  async run(sql: string, params?: SqlParams): Promise<void> {
    if (params === undefined) await this.connection.run(sql)
    else await this.connection.run(sql, params as never)
  }

  /** Runs a query and returns plain JS rows (BIGINT → number, timestamps → Date). */
  async all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    const reader =
      params === undefined ? await this.connection.runAndReadAll(sql) : await this.connection.runAndReadAll(sql, params as never)
    return reader.getRowObjectsJS().map((row) => toPlain(row) as T)
  }

  async one<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0]
  }

  async scalar<T = unknown>(sql: string, params?: SqlParams): Promise<T> {
    const row = await this.one(sql, params)
    return (row ? Object.values(row)[0] : undefined) as T
  }

  /** Appends `rows` rows to a table with DuckDB's appender (`write` fills row k); far faster than INSERTs from JS. */
  async append(table: string, rows: number, write: (appender: DuckDBAppender, k: number) => void): Promise<void> {
    if (rows === 0) return
    const appender = await this.connection.createAppender(table)
    try {
      for (let k = 0; k < rows; k++) {
        write(appender, k)
        appender.endRow()
      }
      appender.flushSync()
    } finally {
      appender.closeSync()
    }
  }

  async tableExists(name: string): Promise<boolean> {
    const n = await this.scalar<number>(`select count(*) from information_schema.tables where table_name = $name`, {name})
    return n > 0
  }

  /** Runs `fn` inside BEGIN/COMMIT; rolls back on any error so no half-state survives. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.connection.run('BEGIN TRANSACTION')
    try {
      const result = await fn()
      await this.connection.run('COMMIT')
      return result
    } catch (error) {
      await this.connection.run('ROLLBACK').catch(() => {})
      throw error
    }
  }

  /** Records that a table changed, so the runner knows its readers are stale. In UTC: ingest sets the session's
   *  TimeZone to the data's, and a local clock there put inputs hours after the marts built from them. */
  async bumpTableVersion(table: string): Promise<void> {
    await this.run(
      `insert into table_versions (table_name, version, changed_at) values ($t, 1, timezone('UTC', now()))
       on conflict (table_name) do update set version = table_versions.version + 1, changed_at = timezone('UTC', now())`,
      {t: table},
    )
  }

  async close(): Promise<void> {
    this.connection.closeSync()
    this.instance.closeSync()
  }
}

function translateOpenError(path: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error)
  const lock = /Conflicting lock is held in (.*?) \(PID (\d+)\)/.exec(message)
  if (lock) {
    return new CcxError(
      `database is in use by ${lock[1]} (PID ${lock[2]}): ${path}; use --db to choose another file or wait for it to finish`,
      {
        code: 'DB_BUSY',
        exit: EXIT.databaseBusy,
        suggestions: ['Run the other job later, or point this command at another file with --db or CCX_DB.'],
      },
    )
  }
  return new CcxError(`cannot open database ${path}: ${message}`, {code: 'DB_OPEN', exit: EXIT.failure})
}

/** Reads a .sql file that sits beside the calling module (src/ in dev, dist/ after build). */
export function readSql(moduleUrl: string, file: string): string {
  return readFileSync(join(dirname(fileURLToPath(moduleUrl)), file), 'utf8')
}

/** Substitutes {{name}} placeholders (identifiers, file paths already quoted) before execution. */
export function renderSql(sql: string, vars: Record<string, string | number>): string {
  return sql.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!(name in vars)) throw new Error(`SQL template variable {{${name}}} has no value`)
    return String(vars[name])
  })
}
