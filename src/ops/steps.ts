import {existsSync, mkdirSync, readdirSync, renameSync, statSync} from 'node:fs'
import {basename, dirname, extname, isAbsolute, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {redactor} from './redact.js'
import type {JobStep} from '../config/jobs.js'

/** The built CLI entry: children run the same code path a user runs. */
export const DEFAULT_CCX_ENTRY = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/run.js')

export interface StepEnv {
  dbPath: string
  configPath?: string
  /** Folder relative paths in the jobs section resolve from (the config file's folder). */
  baseDir: string
  ccxEntry?: string
}

/** A step as a child process: argv[0] is the program. */
export interface StepCommand {
  argv: string[]
  cwd: string
  /** Takes the database: one such step at a time per scheduler. */
  usesDb: boolean
  /** Parse `--json` output for a row count. */
  json: boolean
}

const abs = (baseDir: string, path: string) => (isAbsolute(path) ? path : resolve(baseDir, path))

/** `*` and `?` wildcards over one file name (no folders), case-sensitive. */
export function matchesPattern(name: string, pattern: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${re}$`).test(name)
}

/** Regular files in a drop folder that match the pattern, sorted by name (oldest export first when names carry dates). */
export function dropFolderFiles(folder: string, pattern: string): string[] {
  if (!existsSync(folder)) return []
  return readdirSync(folder)
    .filter((name) => !name.startsWith('.') && matchesPattern(name, pattern))
    .map((name) => join(folder, name))
    .filter((path) => statSync(path).isFile())
    .sort()
}

/** Moves loaded files to the done folder; an existing name gets a numbered suffix instead of being overwritten. */
export function moveToDone(files: string[], doneDir: string): string[] {
  mkdirSync(doneDir, {recursive: true})
  return files.map((file) => {
    const ext = extname(file)
    const stem = basename(file, ext)
    let target = join(doneDir, basename(file))
    for (let n = 1; existsSync(target); n++) target = join(doneDir, `${stem}.${n}${ext}`)
    renameSync(file, target)
    return target
  })
}

function ccxArgv(env: StepEnv, args: string[]): string[] {
  const argv = [process.execPath, env.ccxEntry ?? DEFAULT_CCX_ENTRY, ...args, '--json', '--db', env.dbPath]
  if (env.configPath) argv.push('--config', env.configPath)
  return argv
}

/**
 * The command line of a step. Ingest steps need the files found now (`files`); `retention` runs in
 * the scheduler itself and has no command line.
 */
export function stepCommand(step: JobStep, env: StepEnv, files: string[] = []): StepCommand | undefined {
  switch (step.kind) {
    case 'ingest':
      return {argv: ccxArgv(env, ['ingest', step.source, ...files, ...step.args]), cwd: env.baseDir, usesDb: true, json: true}
    case 'ingest-log':
      return {
        argv: ccxArgv(env, ['ingest', 'probe', '--from-log', abs(env.baseDir, step.from), ...step.args]),
        cwd: env.baseDir,
        usesDb: true,
        json: true,
      }
    case 'run':
      return {
        argv: ccxArgv(env, ['run', ...step.pipelines, ...(step.force ? ['--force'] : [])]),
        cwd: env.baseDir,
        usesDb: true,
        json: true,
      }
    case 'export':
      return {
        argv: ccxArgv(env, ['export', 'report', ...(step.report ? [step.report] : []), '--out', abs(env.baseDir, step.out), ...step.args]),
        cwd: env.baseDir,
        usesDb: true,
        json: true,
      }
    case 'ccx':
      return {argv: ccxArgv(env, step.args), cwd: env.baseDir, usesDb: true, json: true}
    case 'exec':
      return {
        argv: ['/bin/sh', '-c', step.command],
        cwd: step.cwd ? abs(env.baseDir, step.cwd) : env.baseDir,
        usesDb: step.usesDb,
        json: false,
      }
    case 'retention':
      return undefined
  }
}

/** Short description for logs and `ccx jobs list`. */
export function describeStep(step: JobStep): string {
  switch (step.kind) {
    case 'ingest':
      return `ingest ${step.source} ${join(step.from, step.pattern)}${step.doneDir ? ` → ${step.doneDir}/` : ''}`
    case 'ingest-log':
      return `ingest probe --from-log ${step.from}`
    case 'run':
      return `run ${step.pipelines.join(' ') || '(all)'}${step.force ? ' --force' : ''}`
    case 'export':
      return `export report ${step.report ?? ''} --out ${step.out}`.replace(/\s+/g, ' ')
    case 'ccx':
      return step.args.join(' ')
    case 'exec':
      return `exec: ${redactor(step.redact)(step.command)}`
    case 'retention':
      return `retention: raw ${step.rawDays} d${step.quarantineDays ? `, quarantine ${step.quarantineDays} d` : ''}${step.jobRunsDays ? `, job runs ${step.jobRunsDays} d` : ''}`
  }
}

/** Rows a ccx command reports in its --json result: ingest totals, pipeline rows written, or a `rows` field. */
export function rowsFromJson(stdout: string): number | undefined {
  let result: unknown
  try {
    result = JSON.parse(stdout)
  } catch {
    return undefined
  }
  if (!result || typeof result !== 'object') return undefined
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a step's JSON result, read defensively
  const r = result as Record<string, any>
  if (typeof r.totals?.loaded === 'number') return r.totals.loaded
  if (Array.isArray(r.outcomes))
    return r.outcomes.reduce((sum: number, o: {rowsWritten?: unknown}) => sum + (typeof o.rowsWritten === 'number' ? o.rowsWritten : 0), 0)
  if (typeof r.rows === 'number') return r.rows
  return undefined
}

/** The clearest one-line reason a child failed: its JSON error, else the last stderr lines. */
export function errorFromOutput(stdout: string, stderr: string, exitCode: number | null, signal: string | null): string {
  try {
    const parsed = JSON.parse(stdout) as {error?: {message?: string}}
    if (parsed?.error?.message) return parsed.error.message.trim()
  } catch {
    // not JSON
  }
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('›') && !/^at /.test(l))
  const tail = lines.slice(-3).join(' | ')
  const how = signal ? `killed by ${signal}` : `exit code ${exitCode}`
  return tail ? `${tail} (${how})` : how
}
