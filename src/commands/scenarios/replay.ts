import {Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import {CcxError, EXIT} from '../../errors.js'
import type {ReplayReport} from '../../pipelines/scenarios/replay.js'

const DATE = /^\d{4}-\d{2}-\d{2}$/
const STAMP = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

export default class ScenariosReplay extends DataCommand<typeof ScenariosReplay> {
  static description =
    'Replay scenarios over stored sessions: how often each would have fired, and the conversion (lead or order in the session or by the visitor later) of matched vs unmatched sessions. Needs `ccx run` (sessions, and session_intents for intent conditions).'
  static examples = [
    '<%= config.bin %> scenarios replay --from 2026-10-01 --to 2026-10-31',
    '<%= config.bin %> scenarios replay --file candidate.json --json',
  ]
  static flags = {
    from: Flags.string({description: 'first day or time (site-local), inclusive: YYYY-MM-DD[ HH:MM:SS]'}),
    to: Flags.string({description: 'last day (inclusive) or time (exclusive): YYYY-MM-DD[ HH:MM:SS]'}),
    file: Flags.string({description: 'scenarios file to replay (default: config files.scenarios, else the shipped one)'}),
    directory: Flags.string({description: 'resource directory (default: config files.directory, else fixtures/directory.json)'}),
  }

  async run(): Promise<ReplayReport> {
    const {flags} = await this.parse(ScenariosReplay)
    for (const [name, v] of [
      ['from', flags.from],
      ['to', flags.to],
    ] as const) {
      if (v !== undefined && !STAMP.test(v))
        throw new CcxError(`--${name} ${v}: expected YYYY-MM-DD or "YYYY-MM-DD HH:MM:SS"`, {code: 'BAD_RANGE', exit: EXIT.usage})
    }
    const {loadCompiledScenarios} = await import('../../pipelines/scenarios/pipeline.js')
    const {replayScenarios} = await import('../../pipelines/scenarios/replay.js')
    const {compiled} = await loadCompiledScenarios({config: this.ccxConfig}, {scenarios: flags.file, directory: flags.directory})
    const store = await this.openStore(this.dbPath(flags.db))
    if (!(await store.tableExists('sessions'))) {
      throw new CcxError('no sessions in the database yet', {
        code: 'NO_SESSIONS',
        exit: EXIT.badInput,
        suggestions: ['Ingest probe events, then run `ccx run`.'],
      })
    }
    const to = flags.to && DATE.test(flags.to) ? nextDay(flags.to) : flags.to
    const report = await replayScenarios(store, compiled, {from: flags.from, to})
    report.to = flags.to
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`
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
