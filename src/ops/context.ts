import {resolve} from 'node:path'
import type {LoadedConfig} from '../config/load.js'
import {CcxError, EXIT} from '../errors.js'
import type {JobConfig} from '../config/jobs.js'

/** What `ccx schedule` and `ccx jobs ...` share: the jobs, the absolute database path, where relative paths start. */
export interface OpsSetup {
  jobs: JobConfig[]
  dbPath: string
  configPath?: string
  baseDir: string
  timezone: string
}

export function opsSetup(loaded: LoadedConfig, dbFlag: string | undefined): OpsSetup {
  const db = dbFlag ?? loaded.config.db
  if (db === ':memory:') {
    throw new CcxError('jobs need a database file, not :memory: (each step is its own process)', {code: 'JOBS_DB', exit: EXIT.usage})
  }
  return {
    jobs: loaded.config.jobs,
    // --db is relative to the working folder; the config's db to the config file's folder.
    dbPath: dbFlag ? resolve(dbFlag) : resolve(loaded.baseDir, db),
    configPath: loaded.path,
    baseDir: loaded.baseDir,
    timezone: loaded.config.timezone,
  }
}

export function findJob(setup: OpsSetup, name: string): JobConfig {
  const job = setup.jobs.find((j) => j.name === name)
  if (!job) {
    const known = setup.jobs.map((j) => j.name)
    throw new CcxError(`no job named "${name}" in ${setup.configPath ?? 'the config (none found)'}`, {
      code: 'JOB_UNKNOWN',
      exit: EXIT.usage,
      suggestions: [known.length > 0 ? `Known jobs: ${known.join(', ')}` : 'Add a "jobs" section to ccx.config.json (see docs/ops.md).'],
    })
  }
  return job
}

export async function assertValidJobs(setup: OpsSetup): Promise<void> {
  const {validateJobs} = await import('./scheduler.js')
  const problems = await validateJobs(setup.jobs)
  if (problems.length > 0) {
    throw new CcxError(`config ${setup.configPath ?? ''} has invalid jobs: ${problems.join('; ')}`.replace('  ', ' '), {
      code: 'CONFIG_INVALID',
      exit: EXIT.invalidConfig,
    })
  }
}
