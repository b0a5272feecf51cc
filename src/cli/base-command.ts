import {Command, Flags, type Interfaces} from '@oclif/core'
import {builtDefaults, findConfigFile, resolveFrom, type LoadedConfig} from '../config/locate.js'
import {CcxError} from '../errors.js'
import type {Store} from '../store/store.js'
import {describeFailure, errorJson} from './failures.js'
import {formatTable} from './table.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>

/** Shared flags and helpers: --config, JSON output, CcxError → clear message + exit code. */
export abstract class BaseCommand<_T extends typeof Command = typeof Command> extends Command {
  static enableJsonFlag = true
  static baseFlags = {
    config: Flags.string({description: 'config file (default: ccx.config.json in this or a parent folder)', helpGroup: 'GLOBAL'}),
  }

  private loadedConfig?: LoadedConfig
  /** Set by init(): the build's defaults when there is no config file, else the validating loader (zod, the schema). */
  private configSource?: {defaults: LoadedConfig['config']} | {loader: typeof import('../config/load.js')}

  async init(): Promise<void> {
    await super.init()
    // zod and the schema cost ~0.1 s of CPU to load: without a config file the build's defaults do (config/locate.ts)
    const defaults = findConfigFile(this.configFlag()) === undefined ? builtDefaults() : undefined
    this.configSource = defaults ? {defaults} : {loader: await import('../config/load.js')}
  }

  /** The config, read and validated when a command first asks for it (commands that never ask never fail on it). */
  protected get ccxConfig(): LoadedConfig {
    if (!this.loadedConfig) {
      if (!this.configSource) throw new Error('ccxConfig was read before the command was initialised')
      this.loadedConfig =
        'defaults' in this.configSource
          ? {config: this.configSource.defaults, baseDir: process.cwd()}
          : this.configSource.loader.loadConfig(this.configFlag())
    }
    return this.loadedConfig
  }

  private configFlag(): string | undefined {
    const raw = this.argv.find((a, i, all) => a.startsWith('--config=') || all[i - 1] === '--config')
    return raw?.startsWith('--config=') ? raw.slice('--config='.length) : raw
  }

  /** Replaces the loaded config for the rest of the command (flags that name a rule file in place of the config's). */
  protected useConfig(config: LoadedConfig): void {
    this.loadedConfig = config
  }

  /** Progress and diagnostics: stderr, silent under --json unless it is an error. */
  protected progress(message: string): void {
    if (!this.jsonEnabled()) this.logToStderr(message)
  }

  /** --json output: oclif colourises it token by token even into a pipe (most of a big report's time): only a terminal gets colour. */
  override logJson(json: unknown): void {
    if (process.stdout.isTTY) return super.logJson(json)
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
  }

  protected table(rows: Record<string, unknown>[], columns?: string[]): void {
    this.log(formatTable(rows, columns))
  }

  protected async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    // this.exit(n): not a failure to describe, only an exit code
    if ((error as {code?: unknown}).code === 'EEXIT') throw error
    if (this.jsonEnabled()) {
      // one small error object on stdout and the README's exit code (oclif's would dump its parser's context); the
      // error goes on (in-process callers see it) with nothing more printed
      const failure = describeFailure(error, {flagNames: this.flagNames(), command: this.id?.replaceAll(':', ' ')})
      this.logJson(errorJson(failure))
      throw Object.assign(error, {skipOclifErrorHandling: true, oclif: {...error.oclif, exit: failure.exit}})
    }
    if (error.constructor.name === 'NonExistentFlagsError') {
      const {suggestions} = describeFailure(error, {flagNames: this.flagNames()})
      Object.assign(error, {suggestions: suggestions.filter((s) => s.startsWith('Did you mean'))})
    }
    if (error instanceof CcxError) {
      this.error(error.message, {
        code: error.code,
        exit: error.exit,
        suggestions: error.suggestions.length > 0 ? error.suggestions : undefined,
      })
    }
    return super.catch(error)
  }

  /** The command's flag names (for "did you mean"). */
  private flagNames(): string[] {
    const ctor = this.constructor as typeof Command
    return [...Object.keys({...ctor.baseFlags, ...ctor.flags}), ...(ctor.enableJsonFlag ? ['json'] : []), 'help']
  }
}

/** Commands that read or write the database: --db / CCX_DB. */
export abstract class DataCommand<T extends typeof Command = typeof Command> extends BaseCommand<T> {
  static baseFlags = {
    ...BaseCommand.baseFlags,
    db: Flags.string({description: 'DuckDB database file [env: CCX_DB] (default: ./ccx.duckdb)', env: 'CCX_DB', helpGroup: 'GLOBAL'}),
  }

  /**
   * `--wait` for commands that write (ingest, run): a report or another writer holding the file is waited for, so a
   * nightly job does not fail because an analyst ran a report at that moment.
   */
  static writerWaitFlag = Flags.integer({
    description: 'seconds to wait while another ccx process (a report, ingest, run) uses the database (0: fail at once)',
    default: 600,
  })

  private openStores: Store[] = []

  protected dbPath(flagValue?: string): string {
    return flagValue ?? this.ccxConfig.config.db
  }

  /** Opens the database (lazily importing DuckDB, so `--help` stays fast); closed when the command ends. */
  protected async openStore(path: string, options: {readOnly?: boolean} = {}): Promise<Store> {
    // a reader creates nothing: a missing file is exit 5 naming it, as for the reports (src/cli/open-db.ts)
    if (options.readOnly) return this.openStoreWaiting(path, {readOnly: true, waitS: 0})
    const {Store} = await import('../store/store.js')
    const store = await Store.open(path, {...(await this.storeLimits()), ...options})
    this.openStores.push(store)
    return store
  }

  /**
   * Opens for a report (READ_ONLY: nothing created, no migration) or for a refresh, waiting while another process
   * holds the file; see src/cli/open-db.ts. Closed when the command ends.
   */
  protected async openStoreWaiting(path: string, options: {readOnly: boolean; waitS: number; mustExist?: boolean}): Promise<Store> {
    const {openDatabase} = await import('./open-db.js')
    // stderr even under --json (oclif's logToStderr is silent then): a wait must not look like a hang
    const store = await openDatabase(path, {...options, limits: await this.storeLimits(), onWait: (m) => process.stderr.write(`${m}\n`)})
    this.openStores.push(store)
    return store
  }

  /** DuckDB's memory limit, spill folder and threads from the config's `store` section (a relative folder: from the config's). */
  private async storeLimits() {
    const {storeLimits} = await import('../store/store.js')
    const limits = storeLimits(this.ccxConfig.config.store)
    if (limits.tempDirectory) limits.tempDirectory = resolveFrom(this.ccxConfig.baseDir, limits.tempDirectory)
    return limits
  }

  protected async finally(error: Error | undefined): Promise<unknown> {
    for (const s of this.openStores.splice(0)) await s.close().catch(() => {})
    return super.finally(error)
  }
}
