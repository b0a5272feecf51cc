import {Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import {reportFlags} from '../../cli/report-runner.js'
import {CcxError, EXIT} from '../../errors.js'
import {percent} from '../../format/numbers.js'
import {parseRange} from '../../reports/range.js'
import type {ReplayReport} from '../../pipelines/scenarios/replay.js'

export default class ScenariosReplay extends DataCommand<typeof ScenariosReplay> {
  static description =
    'Replay scenarios over stored sessions: how often each would have fired, and the conversion (lead or order in the session or by the visitor later) of matched vs unmatched sessions. Needs `ccx run` (sessions, and session_intents for intent conditions).'
  static examples = [
    '<%= config.bin %> scenarios replay --from 2026-10-01 --to 2026-10-31',
    '<%= config.bin %> scenarios replay --file candidate.json --json',
  ]
  static flags = {
    from: reportFlags.from,
    to: reportFlags.to,
    wait: reportFlags.wait,
    file: Flags.string({description: 'scenarios file to replay (default: config files.scenarios, else the shipped one)'}),
    directory: Flags.string({description: 'resource directory (default: config files.directory, else fixtures/directory.json)'}),
  }

  async run(): Promise<ReplayReport> {
    const {flags} = await this.parse(ScenariosReplay)
    // the reports' one date parser (relative days in the config's time zone; 2026-02-30 is exit 2)
    const range = parseRange({from: flags.from, to: flags.to}, {timeZone: this.ccxConfig.config.timezone})
    const {loadCompiledScenarios} = await import('../../pipelines/scenarios/pipeline.js')
    const {replayScenarios} = await import('../../pipelines/scenarios/replay.js')
    const {compiled} = await loadCompiledScenarios({config: this.ccxConfig}, {scenarios: flags.file, directory: flags.directory})
    const store = await this.openStoreWaiting(this.dbPath(flags.db), {readOnly: true, waitS: flags.wait})
    if (!(await store.tableExists('sessions'))) {
      throw new CcxError('no sessions in the database yet', {
        code: 'NO_SESSIONS',
        exit: EXIT.badInput,
        suggestions: ['Ingest probe events, then run `ccx run`.'],
      })
    }
    const report = await replayScenarios(store, compiled, {from: range.from ?? undefined, to: range.to ?? undefined})
    const pct = (x: number) => percent(x)
    this.log(`sessions counted: ${report.sessions} (matched ${report.matched.sessions} + unmatched ${report.unmatched.sessions})`)
    this.table(
      report.byScenario.map((s) => ({
        scenario: s.scenarioId,
        sessions: s.sessions,
        share: pct(s.share),
        directives: s.directives,
        converted: s.converted,
        conversion: pct(s.conversion),
      })),
    )
    this.table([
      {
        group: 'matched',
        sessions: report.matched.sessions,
        converted: report.matched.converted,
        conversion: pct(report.matched.conversion),
      },
      {
        group: 'unmatched',
        sessions: report.unmatched.sessions,
        converted: report.unmatched.converted,
        conversion: pct(report.unmatched.conversion),
      },
    ])
    this.log(`lift (matched / unmatched conversion): ${report.lift === null ? 'n/a' : report.lift.toFixed(2)}`)
    return report
  }
}
