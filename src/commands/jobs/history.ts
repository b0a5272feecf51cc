import {Flags} from '@oclif/core'
import {existsSync} from 'node:fs'
import {DataCommand} from '../../cli/base-command.js'
import type {HistoryRow, JobStepRecord} from '../../ops/journal.js'

// ISO with the zone's offset → the wall clock it names, to the second
const shortTs = (iso: string | null | undefined) => (iso ? iso.slice(0, 19).replace('T', ' ') : '')

export default class JobsHistory extends DataCommand<typeof JobsHistory> {
  static description =
    `Past job runs: failures (failed, interrupted, abandoned) first, then the rest, newest first.

` +
    "Times are wall-clock times in the config's time zone (with --json: ISO 8601 with that zone's offset). --run shows the steps and attempts of one run."
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

  async run(): Promise<{timezone: string; runs: HistoryRow[]; steps?: JobStepRecord[]}> {
    const {flags} = await this.parse(JobsHistory)
    const {opsSetup} = await import('../../ops/context.js')
    const {jobHistory, runSteps} = await import('../../ops/journal.js')
    const setup = opsSetup(this.ccxConfig, flags.db)
    const timezone = setup.timezone
    if (!existsSync(setup.dbPath)) {
      this.progress(`no database at ${setup.dbPath} yet: no runs`)
      return {timezone, runs: []}
    }
    const store = await this.openStore(setup.dbPath, {readOnly: true})
    if (!(await store.tableExists('job_runs'))) return {timezone, runs: []}
    if (flags.run) {
      const runs = await jobHistory(store, {timeZone: timezone, runIdPrefix: flags.run, limit: 1})
      if (runs.length === 0) this.error(`no run whose id starts with "${flags.run}"`, {exit: 2})
      const steps = await runSteps(store, runs[0].run_id, timezone)
      this.table(
        steps.map((s) => ({
          step: s.step_no,
          attempt: s.attempt,
          kind: s.kind,
          status: s.status,
          started: shortTs(s.started_at),
          ms: s.duration_ms,
          exit: s.exit_code,
          rows: s.rows,
          error: s.error,
          command: s.command,
        })),
      )
      return {timezone, runs, steps}
    }
    const runs = await jobHistory(store, {
      timeZone: timezone,
      job: flags.job,
      limit: flags.limit,
      failuresOnly: flags.failures,
      since: flags.since,
    })
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
    return {timezone, runs}
  }
}
