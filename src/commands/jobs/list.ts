import {Flags} from '@oclif/core'
import {existsSync} from 'node:fs'
import {DataCommand} from '../../cli/base-command.js'

export interface JobListing {
  job: string
  enabled: boolean
  schedule: string
  timezone: string
  /** Next fire times (ISO instants) and the same in the job's time zone. */
  nextRuns: string[]
  nextRunsLocal: string[]
  timeoutSeconds: number
  retries: number
  steps: string[]
  lastStatus?: string
  lastStartedAt?: Date
}

export default class JobsList extends DataCommand<typeof JobsList> {
  static description = "List the config's jobs: schedule, time zone, next run times, steps and the last run's status."
  static examples = ['<%= config.bin %> jobs list', '<%= config.bin %> jobs list --next 5 --json']
  static flags = {
    next: Flags.integer({description: 'how many next run times to show', default: 1, min: 1}),
  }

  async run(): Promise<{jobs: JobListing[]}> {
    const {flags} = await this.parse(JobsList)
    const {opsSetup, assertValidJobs} = await import('../../ops/context.js')
    const {nextRuns} = await import('../../ops/scheduler.js')
    const {describeStep} = await import('../../ops/steps.js')
    const {localTimestamp} = await import('../../ops/time.js')
    const setup = opsSetup(this.ccxConfig, flags.db)
    await assertValidJobs(setup)
    const last = new Map<string, {status: string; started_at: Date}>()
    if (existsSync(setup.dbPath)) {
      try {
        const store = await this.openStore(setup.dbPath, {readOnly: true})
        if (await store.tableExists('job_runs')) {
          const rows = await store.all<{job: string; status: string; started_at: Date}>(
            `select job, status, started_at from job_runs qualify row_number() over (partition by job order by started_at desc) = 1`,
          )
          for (const r of rows) last.set(r.job, r)
        }
      } catch (error) {
        this.progress(`(last runs not shown: ${(error as Error).message})`)
      }
    }
    const jobs: JobListing[] = []
    for (const job of setup.jobs) {
      const timezone = job.timezone ?? setup.timezone
      const next = job.enabled ? await nextRuns(job, setup.timezone, flags.next) : []
      jobs.push({
        job: job.name,
        enabled: job.enabled,
        schedule: job.schedule,
        timezone,
        nextRuns: next.map((d) => d.toISOString()),
        nextRunsLocal: next.map((d) => localTimestamp(d, timezone).slice(0, 19)),
        timeoutSeconds: job.timeoutSeconds,
        retries: job.retries,
        steps: job.steps.map(describeStep),
        lastStatus: last.get(job.name)?.status,
        lastStartedAt: last.get(job.name)?.started_at,
      })
    }
    if (jobs.length === 0) this.progress('no jobs in the config; docs/ops.md shows how to add some')
    else
      this.table(
        jobs.map((j) => ({
          job: j.job,
          schedule: j.schedule,
          timezone: j.timezone,
          'next run': j.enabled ? j.nextRunsLocal.join(', ') : '(disabled)',
          steps: j.steps.length,
          retries: j.retries,
          'last run': j.lastStatus
            ? `${j.lastStatus} ${
                j.lastStartedAt
                  ? String(j.lastStartedAt.toISOString?.() ?? j.lastStartedAt)
                      .slice(0, 19)
                      .replace('T', ' ')
                  : ''
              }`
            : '',
        })),
      )
    return {jobs}
  }
}
