/**
 * The enumerated values of the service sources (docs/formats.md): call direction, call disposition, transcript speaker,
 * chat sender type and chat channel. Ingest accepts exactly these after mapping (plus the spellings listed as synonyms,
 * matched case-insensitively after trimming); anything else is quarantined with the value and a suggestion.
 */

export interface Vocabulary<T extends string = string> {
  name: string
  values: readonly T[]
  /** Other spellings (lower case) and what they mean. */
  synonyms: Readonly<Record<string, T>>
}

function vocabulary<const T extends string>(name: string, values: readonly T[], synonyms: Record<string, T> = {}): Vocabulary<T> {
  return {name, values, synonyms}
}

export const CALL_DIRECTION = vocabulary('call direction', ['inbound', 'outbound'], {
  in: 'inbound',
  incoming: 'inbound',
  i: 'inbound',
  呼入: 'inbound',
  来电: 'inbound',
  入: 'inbound',
  out: 'outbound',
  outgoing: 'outbound',
  o: 'outbound',
  呼出: 'outbound',
  去电: 'outbound',
  外呼: 'outbound',
  出: 'outbound',
})
export type CallDirection = (typeof CALL_DIRECTION.values)[number]

export const CALL_DISPOSITION = vocabulary('call disposition', ['answered', 'abandoned', 'no_answer', 'busy', 'voicemail', 'failed'], {
  'no answer': 'no_answer',
  noanswer: 'no_answer',
  接通: 'answered',
  已接: 'answered',
  放弃: 'abandoned',
  未接: 'no_answer',
  无应答: 'no_answer',
  占线: 'busy',
  忙: 'busy',
  留言: 'voicemail',
  语音信箱: 'voicemail',
  失败: 'failed',
})
export type CallDisposition = (typeof CALL_DISPOSITION.values)[number]

export const SPEAKER = vocabulary('transcript speaker', ['agent', 'customer'], {
  a: 'agent',
  staff: 'agent',
  坐席: 'agent',
  客服: 'agent',
  座席: 'agent',
  c: 'customer',
  caller: 'customer',
  client: 'customer',
  客户: 'customer',
  顾客: 'customer',
})
export type Speaker = (typeof SPEAKER.values)[number]

export const SENDER_TYPE = vocabulary('chat sender type', ['visitor', 'agent', 'bot', 'system'], {
  customer: 'visitor',
  访客: 'visitor',
  客户: 'visitor',
  客服: 'agent',
  坐席: 'agent',
  机器人: 'bot',
  系统: 'system',
})
export type SenderType = (typeof SENDER_TYPE.values)[number]

export const CHAT_CHANNEL = vocabulary('chat channel', ['web', 'app', 'wechat', 'weibo', 'email', 'sms', 'qq', 'douyin', 'whatsapp'], {
  webchat: 'web',
  网页: 'web',
  weixin: 'wechat',
  微信: 'wechat',
  微博: 'weibo',
  mail: 'email',
  邮件: 'email',
  短信: 'sms',
  抖音: 'douyin',
})
export type ChatChannel = (typeof CHAT_CHANNEL.values)[number]

/** Agent states of `raw_agent_states` (occupancy counts busy/talk/hold/wrap against available; docs/metrics.md). */
export const AGENT_STATE = vocabulary('agent state', ['available', 'busy', 'talk', 'hold', 'wrap', 'break', 'offline'])
export type AgentState = (typeof AGENT_STATE.values)[number]

/**
 * Call outcomes the resolution rate reads (docs/metrics.md): an answered call is resolved unless its outcome is one of
 * UNRESOLVED_OUTCOMES. Outcome stays free text — a CRM's own words load — but any word outside CALL_OUTCOMES counts as
 * resolved, so ingest warns about such words (a file's AGENT/HANG codes matched to `outcome` by name would read 100 %).
 */
export const UNRESOLVED_OUTCOMES = ['unresolved', 'callback'] as const
export const CALL_OUTCOMES = ['resolved', 'sale', 'no_sale', 'lead', ...UNRESOLVED_OUTCOMES] as const

/** The value a raw (trimmed) spelling means, or undefined when it is none of the vocabulary's. */
export function canonicalValue<T extends string>(vocab: Vocabulary<T>, raw: string): T | undefined {
  const v = raw.trim()
  if ((vocab.values as readonly string[]).includes(v)) return v as T
  const lower = v.toLowerCase()
  if ((vocab.values as readonly string[]).includes(lower)) return lower as T
  return vocab.synonyms[lower]
}
