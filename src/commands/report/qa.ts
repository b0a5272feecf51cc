import {Flags} from '@oclif/core'
import {ReportCommand, reportFlags, type Reported} from '../../cli/report-runner.js'
import {CcxError, EXIT} from '../../errors.js'
import type {QaReportResult} from '../../reports/telesales/qa.js'

export default class ReportQa extends ReportCommand<typeof ReportQa> {
  static description = `Checks call transcripts and chats against the quality-inspection (质检) rules and scores conversations and agents.
The checks: required items in their part of the conversation
(greeting, identity, confirmation, closing), forbidden phrases, customer dissatisfaction, long silences and talking
over the customer (call turn timings), slow chat replies — per conversation and per agent, every finding with its
evidence (turn, time, text). Rules: files.qaRules or --qa-rules (default defaults/qa-rules.json); --labels FILE
measures precision and recall against a labelled sample. Format and scoring: docs/telesales.md "Quality inspection".`
  static examples = [
    '<%= config.bin %> report qa',
    '<%= config.bin %> report qa --agent a302 --json',
    '<%= config.bin %> report qa --qa-rules my-rules.json --labels fixtures/qa/labels.json',
  ]
  static flags = {
    ...reportFlags,
    'qa-rules': Flags.string({description: 'QA rules file instead of files.qaRules'}),
    agent: Flags.string({description: 'only this agent'}),
    channel: Flags.string({description: 'only calls or only chats', options: ['call', 'chat']}),
    labels: Flags.string({description: 'labelled findings (JSON {findings: [{conversation, rule, turn}]}): print precision and recall'}),
  }

  async run(): Promise<Reported<QaReportResult>> {
    const {flags} = await this.parse(ReportQa)
    const {withTelesalesFiles} = await import('../../telesales/configured.js')
    this.useConfig(withTelesalesFiles(this.ccxConfig, {qaRules: flags['qa-rules']}))
    const labels = flags.labels ? await readLabels(flags.labels) : undefined
    const {default: qa} = await import('../../reports/telesales/qa.js')
    return this.runReport(qa, flags, {agent: flags.agent, channel: flags.channel as 'call' | 'chat' | undefined, labels})
  }
}

async function readLabels(path: string) {
  const {readFileSync, existsSync} = await import('node:fs')
  const {z} = await import('zod')
  if (!existsSync(path)) throw new CcxError(`labels file not found: ${path}`, {code: 'QA_LABELS_MISSING', exit: EXIT.badInput})
  const schema = z.object({findings: z.array(z.object({conversation: z.string(), rule: z.string(), turn: z.number().int().nullable()}))})
  let parsed
  try {
    parsed = schema.safeParse(JSON.parse(readFileSync(path, 'utf8')))
  } catch (error) {
    throw new CcxError(`${path} is not JSON: ${(error as Error).message}`, {code: 'QA_LABELS_INVALID', exit: EXIT.badInput})
  }
  if (!parsed.success) {
    const i = parsed.error.issues[0]
    throw new CcxError(`${path}: ${i.path.join('.')}: ${i.message}`, {
      code: 'QA_LABELS_INVALID',
      exit: EXIT.badInput,
      suggestions: ['Give {"findings": [{"conversation": "...", "rule": "...", "turn": 3 | null}]} (fixtures/qa/labels.json).'],
    })
  }
  return parsed.data.findings
}
