import {Flags} from '@oclif/core'
import {existsSync} from 'node:fs'
import {DataCommand} from '../../cli/base-command.js'
import type {HistoryRow, JobStepRecord} from '../../ops/journal.js'

const shortTs = (d: Date | null | undefined) => (d ? new Date(d).toISOString().slice(0, 19).replace('T', ' ') : '')

export default class JobsHistory extends DataCommand<typeof JobsHistory> {
  static description =
    `Past job runs: failures (failed, interrupted, abandoned) first, then the rest, newest first.

` + "Times are wall-clock times in the config's time zone. --run shows the steps and attempts of one run."
  static examples = [
    '<%= config.bin %> jobs history',
    '<%= config.bin %> jobs history --job nightly --failures --json',
    '<%= config.bin %> jobs history --run 3f2a9c1e',
  ]
  static flags = {
    job: Flags.string({description: 'only this job'}),
    limit: Flags.integer({description: 'most runs to show', default: 20, min: 1}),
    failures: Flags.boolean({description: 'only failed, interrupted and abandoned runs'}),
    since: Flags.string({description: 'only runs started at or after this time (YYYY-MM-DD[ HH:MM:SS])'}),
    run: Flags.string({description: 'show the steps of this run (id or its first characters)'}),
  }

  async run(): Promise<{runs: HistoryRow[]; steps?: JobStepRecord[]}> {
    const {flags} = await this.parse(JobsHistory)
    const {opsSetup} = await import('../../ops/context.js')
    const {jobHistory, runSteps} = await import('../../ops/journal.js')
    const setup = opsSetup(this.ccxConfig, flags.db)
    if (!existsSync(setup.dbPath)) {
      this.progress(`no database at ${setup.dbPath} yet: no runs`)
      return {runs: []}
    }
    const store = await this.openStore(setup.dbPath, {readOnly: true})
    if (!(await store.tableExists('job_runs'))) return {runs: []}
    if (flags.run) {
      const runs = await store.all<HistoryRow & Record<string, unknown>>(
        `select * exclude (pid, hostname) from job_runs where starts_with(run_id, $id) order by started_at desc`,
        {id: flags.run},
      )
      if (runs.length === 0) this.error(`no run whose id starts with "${flags.run}"`, {exit: 2})
      const steps = await runSteps(store, runs[0].run_id)
      this.table(
        steps.map((s) => ({
          step: s.step_no,
          attempt: s.attempt,
          kind: s.kind,
          status: s.status,
          started: shortTs(s.started_at as unknown as Date),
          ms: s.duration_ms,
          exit: s.exit_code,
          rows: s.rows,
          error: s.error,
          command: s.command,
        })),
      )
      return {runs: runs.slice(0, 1), steps}
    }
    const runs = await jobHistory(store, {job: flags.job, limit: flags.limit, failuresOnly: flags.failures, since: flags.since})
    if (runs.length === 0) this.progress('no job runs recorded yet')
    else
      this.table(
        runs.map((r) => ({
          run: r.run_id.slice(0, 8),
          job: r.job,
          status: r.status,
          trigger: r.trigger,
          started: shortTs(r.started_at),
          ms: r.duration_ms,
          attempts: r.attempts,
          steps: `${r.steps_done}/${r.steps_total}`,
          rows: r.rows,
          error: r.error,
        })),
      )
    return {runs}
  }
}
