import {percent} from '../../format/numbers.js'
import {configuredQaRules} from '../../telesales/configured.js'
import {measureQa, toConversations, type CallTurnRow, type ChatMessageRow, type LabelledFinding, type QaMeasure} from '../../telesales/qa/conversations.js'
import type {QaFinding, QaResult} from '../../telesales/qa/detect.js'
import {readSql, renderSql} from '../../store/store.js'
import {defineReport, type CommonOptions, type ReportContext, type Row} from '../contract.js'

export interface QaOptions extends CommonOptions {
  agent?: string
  channel?: 'call' | 'chat'
  /** A labelled sample's findings (`--labels FILE`, read by the command): precision and recall against them. */
  labels?: LabelledFinding[]
}

export interface QaAgentRow {
  agentId: string
  conversations: number
  /** Mean of the conversations' scores (100 − points deducted). */
  meanScore: number
  findings: number
  /** Share of the agent's conversations with at least one finding. */
  flaggedShare: number
  byRule: Record<string, number>
}

export interface QaReportResult {
  rules: {source: string; hash: string}
  conversations: number
  calls: number
  chats: number
  findings: number
  byAgent: QaAgentRow[]
  byConversation: QaResult[]
  measure: QaMeasure | null
}

/** Quality inspection of every call transcript and chat of the range: findings with their evidence, per agent. */
export async function qaReport(ctx: ReportContext, options: QaOptions): Promise<QaReportResult> {
  const rules = await configuredQaRules(ctx.config)
  const {QaDetector} = await import('../../telesales/qa/detect.js')
  const filter = (time: string) => {
    const parts = ['true']
    const params: Record<string, string> = {}
    if (options.from) {
      parts.push(`c.${time} >= $from::TIMESTAMP`)
      params.from = options.from
    }
    if (options.to) {
      parts.push(`c.${time} < $to::TIMESTAMP`)
      params.to = options.to
    }
    if (options.site) {
      parts.push('c.site = $site')
      params.site = options.site
    }
    if (options.agent) {
      parts.push('c.agent_id = $agent')
      params.agent = options.agent
    }
    return {where: parts.join(' and '), params}
  }
  const calls = filter('offered_at')
  const chats = filter('requested_at')
  const turns =
    options.channel === 'chat' ? [] : await ctx.store.all<CallTurnRow>(renderSql(readSql(import.meta.url, 'qa-turns.sql'), {where: calls.where}), calls.params)
  const messages =
    options.channel === 'call'
      ? []
      : await ctx.store.all<ChatMessageRow>(renderSql(readSql(import.meta.url, 'qa-messages.sql'), {where: chats.where}), chats.params)
  const detector = new QaDetector(rules)
  const results = toConversations(turns, messages).map((c) => detector.inspect(c))
  const agents = new Map<string, QaResult[]>()
  for (const r of results) {
    const id = r.agentId ?? '(none)'
    agents.set(id, [...(agents.get(id) ?? []), r])
  }
  const byAgent: QaAgentRow[] = [...agents.entries()]
    .map(([agentId, rs]) => {
      const byRule: Record<string, number> = {}
      for (const r of rs) for (const f of r.findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1
      return {
        agentId,
        conversations: rs.length,
        meanScore: rs.reduce((n, r) => n + r.score, 0) / rs.length,
        findings: rs.reduce((n, r) => n + r.findings.length, 0),
        flaggedShare: rs.filter((r) => r.findings.length > 0).length / rs.length,
        byRule,
      }
    })
    .sort((a, b) => a.meanScore - b.meanScore || a.agentId.localeCompare(b.agentId))
  return {
    rules: {source: rules.source, hash: rules.hash},
    conversations: results.length,
    calls: results.filter((r) => r.channel === 'call').length,
    chats: results.filter((r) => r.channel === 'chat').length,
    findings: results.reduce((n, r) => n + r.findings.length, 0),
    byAgent,
    byConversation: results,
    measure: options.labels ? measureQa(results, options.labels) : null,
  }
}

const clock = (ms: number | null) => {
  if (ms === null) return ''
  const s = Math.round(ms / 1000)
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

const findingRow = (r: QaResult, f: QaFinding): Row => ({
  conversation: r.conversationId,
  channel: r.channel,
  agent: r.agentId ?? '',
  rule: f.ruleId,
  kind: f.kind,
  severity: f.severity,
  points: f.points,
  turn: f.turnNo,
  at: clock(f.atMs),
  text: f.text ?? '',
  detail: f.detail,
})

/** `ccx report qa`: quality inspection (质检) per conversation and per agent, every finding with its evidence. */
export default defineReport<QaOptions, QaReportResult>({
  id: 'telesales/qa',
  title: 'Quality inspection',
  needs: {tables: ['raw_transcript_turns', 'raw_messages'], pipelines: []},
  run: qaReport,
  rows: (r) => r.byConversation.flatMap((c) => c.findings.map((f) => findingRow(c, f))),
  text: (r) => [
    {
      lines: [
        `${r.conversations} conversations (${r.calls} calls, ${r.chats} chats) inspected with ${r.rules.source}: ${r.findings} findings.`,
        ...(r.measure
          ? [
              `Against the labelled sample: precision ${percent(r.measure.precision, 1, 'n/a')}, recall ${percent(r.measure.recall, 1, 'n/a')} (${r.measure.tp} found, ${r.measure.fp} false, ${r.measure.fn} missed).`,
            ]
          : []),
      ],
    },
    {
      title: 'Per agent',
      rows: r.byAgent.map((a) => ({
        agent: a.agentId,
        conversations: a.conversations,
        'mean score': a.meanScore.toFixed(1),
        findings: a.findings,
        flagged: percent(a.flaggedShare, 0, ''),
        rules: Object.entries(a.byRule)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
      })),
    },
    {
      title: 'Findings (evidence: turn, time, text)',
      rows: r.byConversation.flatMap((c) => c.findings.map((f) => findingRow(c, f))),
    },
  ],
  charts: () => [],
})
