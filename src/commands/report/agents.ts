import {readFileSync} from 'node:fs'
import {Flags} from '@oclif/core'
import {ReportCommand, reportFlags, type Reported} from '../../cli/report-runner.js'
import {CcxError, EXIT} from '../../errors.js'
import type {AgentsReport} from '../../reports/service/agents.js'

export default class ReportAgents extends ReportCommand<typeof ReportAgents> {
  static summary = 'Score and rank agents on a weighted scorecard (QA score included) against the team and the industry.'
  static description = `Agent scoring: a weighted scorecard (volume, speed, quality, satisfaction, conversion to leads
and orders, script adherence when the telesales analysis ran), each agent against the team and the industry average,
a ranking that leaves out agents with too few contacts, and profile tags: the intents, industries and customer types
each agent converts better than the team (for routing). Scorecard: defaults/scorecard.json, config "scoring" or --scorecard.`
  static examples = [
    '<%= config.bin %> report agents --from 2026-01-01 --to 2026-01-31',
    '<%= config.bin %> report agents --min-contacts 50 --scorecard my-scorecard.json --json',
  ]
  static flags = {
    ...reportFlags,
    site: Flags.string({description: 'only this site (industry averages still pool every site of the industry)'}),
    'min-contacts': Flags.integer({description: 'agents with fewer handled contacts are not ranked (default: scorecard minContacts, 20)'}),
    scorecard: Flags.string({description: 'scorecard JSON file (shape of defaults/scorecard.json)'}),
    benchmarks: Flags.string({description: 'industry benchmarks JSON: {"service": {"<industry>": {"csat_top2": 0.8, "source": "..."}}}'}),
    'repeat-days': Flags.integer({description: 'window for repeat contacts (first-contact resolution)', default: 7}),
  }

  async run(): Promise<Reported<AgentsReport>> {
    const {flags} = await this.parse(ReportAgents)
    if (flags['min-contacts'] !== undefined && flags['min-contacts'] < 1)
      throw new CcxError('--min-contacts must be ≥ 1', {code: 'BAD_FLAG', exit: EXIT.usage})
    if (flags['repeat-days'] < 0) throw new CcxError('--repeat-days must be ≥ 0', {code: 'BAD_FLAG', exit: EXIT.usage})
    const {default: agents, loadScorecard} = await import('../../reports/service/agents.js')
    return this.runReport(agents, flags, {
      scorecard: loadScorecard({file: flags.scorecard, config: this.ccxConfig.config.scoring}),
      minContacts: flags['min-contacts'],
      repeatDays: flags['repeat-days'],
      benchmarks: flags.benchmarks ? readBenchmarks(flags.benchmarks) : undefined,
    })
  }
}

function readBenchmarks(path: string): Record<string, Record<string, unknown>> {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new CcxError(`benchmarks file ${path}: ${(error as Error).message}`, {code: 'BAD_INPUT', exit: EXIT.badInput})
  }
  const service = (raw as {service?: unknown})?.service ?? raw
  if (!service || typeof service !== 'object')
    throw new CcxError(`benchmarks file ${path}: expected {"service": {"<industry>": {...}}}`, {
      code: 'BAD_INPUT',
      exit: EXIT.invalidConfig,
    })
  return service as Record<string, Record<string, unknown>>
}
