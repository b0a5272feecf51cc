import {CcxError, EXIT} from '../../errors.js'
import {readSql, type Store} from '../../store/store.js'
import {jiebaWords} from '../bot/text.js'
import {ReplySuggester, type PastExchange, type Suggestion} from './suggest.js'
import {minePhrases, templateTokenizer, type Phrase} from './templates.js'

/** [from, to) as `YYYY-MM-DD HH:MM:SS` from src/reports/range.ts (the commands parse --from/--to); null where open. */
export interface AssistRange {
  from?: string | null
  to?: string | null
}

async function requireChats(store: Store): Promise<void> {
  const n = (await store.tableExists('raw_messages')) ? await store.scalar<number>(`select count(*)::INTEGER from raw_messages`) : 0
  if (n === 0)
    throw new CcxError(`no chat history in ${store.path} (raw_messages is empty)`, {
      code: 'NO_CHATS',
      exit: EXIT.badInput,
      suggestions: ['Ingest chats first: `ccx ingest chats FILE`.'],
    })
}

export interface GroupPhrases {
  group: string
  replies: number
  phrases: Phrase[]
}

/** Each agent group's most frequent replies, variable parts as placeholders. */
export async function groupPhrases(
  store: Store,
  options: AssistRange & {group?: string; top?: number; minCount?: number},
): Promise<GroupPhrases[]> {
  await requireChats(store)
  const rows = await store.all<{grp: string; text: string}>(readSql(import.meta.url, 'replies.sql'), {
    grp: options.group ?? null,
    from: options.from ?? null,
    to: options.to ?? null,
  })
  const byGroup = new Map<string, string[]>()
  for (const r of rows) byGroup.set(r.grp, [...(byGroup.get(r.grp) ?? []), r.text])
  const tokenize = templateTokenizer(jiebaWords)
  return [...byGroup.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, replies]) => ({
      group,
      replies: replies.length,
      phrases: minePhrases(replies, tokenize, {top: options.top, minCount: options.minCount}),
    }))
}

export async function pastExchanges(store: Store, range: AssistRange = {}): Promise<PastExchange[]> {
  await requireChats(store)
  const rows = await store.all<{
    conversation_id: string
    grp: string | null
    customer: string
    reply: string
    resolved: boolean | null
    csat: number | null
    has_lead: boolean
  }>(readSql(import.meta.url, 'exchanges.sql'), {from: range.from ?? null, to: range.to ?? null})
  return rows.map((r) => ({
    conversationId: r.conversation_id,
    group: r.grp,
    customer: r.customer,
    reply: r.reply,
    resolved: r.resolved,
    lead: Boolean(r.has_lead),
    csat: r.csat,
  }))
}

export async function suggestReplies(
  store: Store,
  message: string,
  options: AssistRange & {synonyms?: string[][]; top?: number; group?: string; minSimilarity?: number},
): Promise<{exchanges: number; suggestions: Suggestion[]}> {
  const exchanges = await pastExchanges(store, options)
  const suggester = new ReplySuggester(exchanges, {synonyms: options.synonyms})
  return {
    exchanges: exchanges.length,
    suggestions: suggester.suggest(message, {top: options.top, group: options.group, minSimilarity: options.minSimilarity}),
  }
}
