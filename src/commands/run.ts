import {Args, Flags} from '@oclif/core'
import {DataCommand} from '../cli/base-command.js'
import type {PipelineListing, PipelineOutcome} from '../pipelines/runner.js'

export default class Run extends DataCommand<typeof Run> {
  static description = `Run pipelines in dependency order; a pipeline whose inputs did not change is skipped.

After an ingest, the incremental pipelines (normalize, intents, identities, marketing-marts, scenarios) re-do only the
visitors with new or deleted rows, with the same result as a rebuild (docs/architecture.md "Incremental runs");
--full rebuilds everything from all data.`
  static examples = [
    '<%= config.bin %> run',
    '<%= config.bin %> run normalize --full',
    '<%= config.bin %> run scenarios --force',
    '<%= config.bin %> run --list --json',
  ]
  static strict = false
  static args = {pipeline: Args.string({description: 'pipelines to run (with their upstream); default: all'})}
  static flags = {
    list: Flags.boolean({description: 'show the pipeline graph and the state of each pipeline, run nothing'}),
    force: Flags.boolean({description: 're-run even when inputs are unchanged'}),
    scripts: Flags.string({description: 'telesales: this script library instead of files.scripts (pass the same to `report scripts`)'}),
    model: Flags.string({description: 'telesales: this trained script model instead of files.scriptModel'}),
    'qa-rules': Flags.string({description: 'qa: this quality-inspection rules file instead of files.qaRules'}),
    full: Flags.boolean({description: 'rebuild from all data instead of updating what changed since the last run'}),
    wait: DataCommand.writerWaitFlag,
  }

  async run(): Promise<{pipelines: PipelineListing[]} | {outcomes: PipelineOutcome[]}> {
    const {argv, flags} = await this.parse(Run)
    const {withTelesalesFiles} = await import('../telesales/configured.js')
    this.useConfig(withTelesalesFiles(this.ccxConfig, {scripts: flags.scripts, model: flags.model, qaRules: flags['qa-rules']}))
    const {loadPipelines} = await import('../pipelines/registry.js')
    const {listPipelines, runPipelines} = await import('../pipelines/runner.js')
    const store = await this.openStoreWaiting(this.dbPath(flags.db), {readOnly: false, waitS: flags.wait})
    const ctx = {store, config: this.ccxConfig, log: (m: string) => this.progress(m)}
    const pipelines = await loadPipelines()
    if (flags.list) {
      const listing = await listPipelines(pipelines, ctx)
      this.table(
        listing.map((p) => ({
          pipeline: p.pipeline,
          state: p.state,
          'depends on': p.dependsOn.join(', '),
          writes: p.writes.join(', '),
          'last run': p.lastRunAt,
        })),
      )
      return {pipelines: listing}
    }
    const outcomes = await runPipelines(pipelines, ctx, {names: argv as string[], force: flags.force, full: flags.full})
    this.table(
      outcomes.map((o) => ({
        pipeline: o.pipeline,
        status: o.status,
        mode: o.mode,
        ms: o.durationMs,
        rows: o.rowsWritten,
        message: o.message,
      })),
    )
    const failed = outcomes.find((o) => o.status === 'failed')
    if (failed) this.error(`pipeline ${failed.pipeline} failed: ${failed.message}`, {exit: 1})
    return {outcomes}
  }
}
