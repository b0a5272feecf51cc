import {Args, Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import type {JobRunResult} from '../../ops/runner.js'

export default class JobsRun extends DataCommand<typeof JobsRun> {
  static description =
    `Run one job now, the way the scheduler runs it (same lock, steps, retries and job_runs record).

` + 'Exit code: 0 ok, 1 failed or abandoned, 4 skipped because the job is already running. Logs JSON lines on stderr.'
  static examples = ['<%= config.bin %> jobs run nightly', '<%= config.bin %> jobs run nightly --no-retries --json']
  static args = {name: Args.string({description: 'job name (from the config\'s "jobs")', required: true})}
  static flags = {
    'no-retries': Flags.boolean({description: "run once, ignoring the job's retries"}),
    grace: Flags.integer({
      description: 'seconds a running step may take to finish after SIGTERM/SIGINT before it is killed',
      default: 30,
      min: 0,
    }),
  }

  async run(): Promise<JobRunResult> {
    const {args, flags} = await this.parse(JobsRun)
    const {opsSetup, findJob, assertValidJobs} = await import('../../ops/context.js')
    const {runJob, Shutdown} = await import('../../ops/runner.js')
    const {recover} = await import('../../ops/scheduler.js')
    const {JobJournal} = await import('../../ops/journal.js')
    const {Mutex} = await import('../../ops/mutex.js')
    const {jsonLineLogger} = await import('../../ops/log.js')
    const setup = opsSetup(this.ccxConfig, flags.db)
    await assertValidJobs(setup)
    const job = findJob(setup, args.name)
    const log = jsonLineLogger()
    await recover({...setup, log})
    const shutdown = new Shutdown()
    const onSignal = () => shutdown.request(flags.grace * 1000)
    process.once('SIGTERM', onSignal)
    process.once('SIGINT', onSignal)
    const result = await runJob(
      flags['no-retries'] ? {...job, retries: 0} : job,
      {...setup, log, journal: new JobJournal(setup.dbPath), dbMutex: new Mutex(), shutdown},
      {kind: 'manual'},
    )
    process.off('SIGTERM', onSignal)
    process.off('SIGINT', onSignal)
    if (!this.jsonEnabled()) {
      this.table([
        {
          job: result.job,
          run: result.runId.slice(0, 8),
          status: result.status,
          attempts: result.attempts,
          steps: `${result.stepsDone}/${result.stepsTotal}`,
          rows: result.rows,
          ms: result.durationMs,
        },
      ])
    }
    if (result.status === 'skipped') this.error(result.error ?? 'skipped', {exit: 4})
    if (result.status !== 'ok') this.error(`job ${result.job} ${result.status}: ${result.error}`, {exit: 1})
    return result
  }
}
