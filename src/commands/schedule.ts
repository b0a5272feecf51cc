import {Flags} from '@oclif/core'
import {DataCommand} from '../cli/base-command.js'
import {CcxError, EXIT} from '../errors.js'
import type {JobRunResult} from '../ops/runner.js'

export default class Schedule extends DataCommand<typeof Schedule> {
  static description =
    `Run the config's jobs on their cron schedules until stopped (SIGTERM/SIGINT).

` +
    'Logs one JSON line per event on stderr and every run in the job_runs table. A job never runs twice at once (a lock file beside the database); an overlapping trigger is recorded as "skipped". On SIGTERM no new step starts, the running step gets --grace seconds, then it is killed and the run is recorded as "abandoned". See docs/ops.md.'
  static examples = [
    '<%= config.bin %> schedule',
    '<%= config.bin %> schedule --db /var/lib/ccx/ccx.duckdb --grace 120',
    '<%= config.bin %> schedule --job nightly',
  ]
  static flags = {
    grace: Flags.integer({description: 'seconds a running step may take to finish after SIGTERM before it is killed', default: 30, min: 0}),
    job: Flags.string({description: 'schedule only this job (repeatable)', multiple: true}),
  }

  async run(): Promise<{jobs: string[]; runs: JobRunResult[]}> {
    const {flags} = await this.parse(Schedule)
    const {opsSetup, findJob, assertValidJobs} = await import('../ops/context.js')
    const {Scheduler} = await import('../ops/scheduler.js')
    const {jsonLineLogger} = await import('../ops/log.js')
    const setup = opsSetup(this.ccxConfig, flags.db)
    await assertValidJobs(setup)
    const jobs = (flags.job ?? []).length > 0 ? flags.job!.map((n) => findJob(setup, n)) : setup.jobs.filter((j) => j.enabled)
    if (jobs.length === 0) {
      throw new CcxError(`no enabled jobs in ${setup.configPath ?? 'the config (no ccx.config.json found)'}`, {
        code: 'NO_JOBS',
        exit: EXIT.invalidConfig,
        suggestions: ['Add a "jobs" section to ccx.config.json; docs/ops.md has an example.'],
      })
    }
    const runs: JobRunResult[] = []
    const scheduler = new Scheduler({
      ...setup,
      jobs: jobs.map((j) => ({...j, enabled: true})),
      log: jsonLineLogger(),
      onResult: (r) => runs.push(r),
    })
    let stopSignal!: (signal: string) => void
    const stopped = new Promise<string>((resolve) => (stopSignal = resolve))
    const onSignal = (signal: NodeJS.Signals) => stopSignal(signal)
    process.once('SIGTERM', onSignal)
    process.once('SIGINT', onSignal)
    process.once('SIGHUP', onSignal)
    await scheduler.start()
    const signal = await stopped
    process.stderr.write(JSON.stringify({ts: new Date().toISOString(), level: 'info', event: 'scheduler.signal', signal}) + '\n')
    await scheduler.stop(flags.grace * 1000)
    return {jobs: jobs.map((j) => j.name), runs}
  }
}
