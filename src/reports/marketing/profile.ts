import type {ReportSection} from '../../charts/section.js'
import {percent, round} from '../../format/numbers.js'
import {readSql, renderSql, type Store} from '../../store/store.js'
import {requireTables, siteFilter} from '../common.js'
import {defineReport, type Row, type TextBlock} from '../contract.js'
import {sqlRange, type DateRange} from '../range.js'
import {intentsSubquery, numOrNull} from './common.js'
import {resolvePerson, shortDuration, touchesCte, type IdKind} from './person.js'

/** The 360° view of one person (docs/metrics.md "Profile"). Contacts appear masked only. */
export interface ProfileOptions extends DateRange {
  site?: string
  /** Which kind of id the query is (otherwise tried as every kind it can be). */
  kind?: IdKind
}

export interface ProfileIdentity {
  visitors: string[]
  members: string[]
  customer_ids: string[]
  /** Masked (138****5678); "(hash 1ab54d20…)" when no masked form was stored. */
  phones: string[]
  emails: string[]
  wechats: string[]
  records: {calls: number; conversations: number; leads: number; orders: number}
}

export interface ProfileVisit {
  started_at: string
  visitor_id: string
  session_id: string
  visit_number: number | null
  medium: string | null
  source: string | null
  term: string | null
  province: string | null
  city: string | null
  device: string | null
  pages: number | null
  duration_s: number | null
  entry_url: string | null
  intent: string | null
}

export interface ProfileChat {
  conversation_id: string
  channel: string
  requested_at: string
  answered_at: string | null
  agent_id: string | null
  queue: string | null
  wait_s: number | null
  duration_s: number | null
  csat: number | null
  resolved: boolean | null
  outcome: string | null
}

export interface ProfileCall {
  call_id: string
  direction: string
  offered_at: string
  answered_at: string | null
  agent_id: string | null
  queue: string | null
  campaign: string | null
  talk_s: number | null
  disposition: string | null
  csat: number | null
  outcome: string | null
}

export interface ProfileLead {
  lead_id: string
  ts: string
  channel: string | null
  agent_id: string | null
  product: string | null
  intent: string | null
  status: string | null
}

export interface ProfileOrder {
  order_id: string
  ts: string
  channel: string | null
  agent_id: string | null
  product: string | null
  quantity: number | null
  amount: number | null
  currency: string | null
}

export type ValueTier = 'high' | 'medium' | 'low' | 'none'
export type Responsiveness = 'responsive' | 'unresponsive' | 'unknown'

export interface ProfileResult {
  /** The query as it may be shown (a phone masked). */
  query: string
  matched: {kind: string; id: string}
  customer_id: string
  identity: ProfileIdentity
  first_seen: string | null
  last_seen: string | null
  channels: Array<{channel: string; touches: number; first: string; last: string}>
  visits: ProfileVisit[]
  /** Intents over time: each visit's classified intent (not unknown) and each lead's intent. */
  intents: Array<{ts: string; intent: string; from: 'visit' | 'lead'; ref: string}>
  chats: ProfileChat[]
  calls: ProfileCall[]
  leads: ProfileLead[]
  orders: ProfileOrder[]
  /** Σ order amount per currency ("" when the order says none). */
  order_value: Array<{currency: string; orders: number; amount: number}>
  /** The agent of the person's latest answered chat or call. */
  last_agent: {agent_id: string; via: 'chat' | 'call'; contact_id: string; at: string} | null
  satisfaction: {ratings: number; mean: number | null; top2_share: number | null; last: number | null}
  tags: {
    intents: string[]
    value_tier: ValueTier
    /** Share of persons with orders whose order value is at most this person's (null without orders). */
    value_percentile: number | null
    responsiveness: Responsiveness
    /** (answered outbound calls + accepted invitations) / (outbound calls + invitations shown). */
    response_rate: number | null
    attempts: number
    responses: number
  }
}

/** A value tier's lower bound on the value percentile (cume_dist): above 0.8 is the top fifth. */
export const VALUE_TIERS = {high: 0.8, medium: 0.5} as const
/** Response rate at or above which a person is responsive. */
export const RESPONSIVE_RATE = 0.5

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString().replace('T', ' ').slice(0, 19) : String(v))
const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : iso(v))
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))

export function valueTier(percentile: number | null): ValueTier {
  if (percentile === null) return 'none'
  return percentile > VALUE_TIERS.high ? 'high' : percentile > VALUE_TIERS.medium ? 'medium' : 'low'
}

export function responsiveness(responses: number, attempts: number): Responsiveness {
  if (attempts === 0) return 'unknown'
  return responses / attempts >= RESPONSIVE_RATE ? 'responsive' : 'unresponsive'
}

export async function profileReport(store: Store, query: string, options: ProfileOptions = {}): Promise<ProfileResult> {
  await requireTables(store, ['sessions', 'events', 'customers', 'customer_ids'])
  const ref = await resolvePerson(store, query, {kind: options.kind})
  const range = sqlRange(options)
  const params = {person: ref.customer_id, ...range}
  const sql = (file: string, vars: Record<string, string> = {}) => renderSql(readSql(import.meta.url, `person/${file}`), vars)
  const site = options.site

  const ids = await store.all<{kind: string; id: string; masked: string | null}>(sql('ids.sql'), {person: ref.customer_id})
  const idsOf = (kind: string) => ids.filter((i) => i.kind === kind)
  const contact = (kind: string) => idsOf(kind).map((i) => i.masked ?? `(hash ${i.id.slice(0, 8)}…)`)
  const person = await store.one<{first_seen: Date | null; last_seen: Date | null}>(
    'select first_seen, last_seen from customers where customer_id = $person',
    {person: ref.customer_id},
  )

  const visits: ProfileVisit[] = (
    await store.all(sql('visits.sql', {intents: await intentsSubquery(store), site_filter: siteFilter(site, 's.site')}), params)
  ).map((r) => ({
    started_at: iso(r.started_at),
    visitor_id: String(r.visitor_id),
    session_id: String(r.session_id),
    visit_number: numOrNull(r.visit_number),
    medium: str(r.medium),
    source: str(r.source),
    term: str(r.term),
    province: str(r.province),
    city: str(r.city),
    device: str(r.device_type),
    pages: numOrNull(r.pageviews),
    duration_s: numOrNull(r.duration_s),
    entry_url: str(r.entry_url),
    intent: str(r.intent),
  }))
  const chats: ProfileChat[] = (await store.all(sql('chats.sql', {site_filter: siteFilter(site, 'c.site', true)}), params)).map((r) => ({
    conversation_id: String(r.conversation_id),
    channel: String(r.channel),
    requested_at: iso(r.requested_at),
    answered_at: isoOrNull(r.answered_at),
    agent_id: str(r.agent_id),
    queue: str(r.queue),
    wait_s: numOrNull(r.wait_s),
    duration_s: numOrNull(r.duration_s),
    csat: numOrNull(r.csat),
    resolved: r.resolved === null || r.resolved === undefined ? null : Boolean(r.resolved),
    outcome: str(r.outcome),
  }))
  const calls: ProfileCall[] = (await store.all(sql('calls.sql', {site_filter: siteFilter(site, 'c.site', true)}), params)).map((r) => ({
    call_id: String(r.call_id),
    direction: String(r.direction),
    offered_at: iso(r.offered_at),
    answered_at: isoOrNull(r.answered_at),
    agent_id: str(r.agent_id),
    queue: str(r.queue),
    campaign: str(r.campaign),
    talk_s: numOrNull(r.talk_s),
    disposition: str(r.disposition),
    csat: numOrNull(r.csat),
    outcome: str(r.outcome),
  }))
  const siteE = siteFilter(site, 'e.site')
  const leads: ProfileLead[] = (await store.all(sql('leads.sql', {site_filter: siteFilter(site, 'l.site', true), site_filter_e: siteE}), params)).map(
    (r) => ({
      lead_id: String(r.lead_id),
      ts: iso(r.ts),
      channel: str(r.channel),
      agent_id: str(r.agent_id),
      product: str(r.product),
      intent: str(r.intent),
      status: str(r.status),
    }),
  )
  const orders: ProfileOrder[] = (await store.all(sql('orders.sql', {site_filter: siteFilter(site, 'o.site', true), site_filter_e: siteE}), params)).map(
    (r) => ({
      order_id: String(r.order_id),
      ts: iso(r.ts),
      channel: str(r.channel),
      agent_id: str(r.agent_id),
      product: str(r.product),
      quantity: numOrNull(r.quantity),
      amount: numOrNull(r.amount),
      currency: str(r.currency),
    }),
  )
  const channels = (await store.all(sql('channels.sql', {touches: touchesCte({site, one: true})}), params)).map((r) => ({
    channel: String(r.channel),
    touches: Number(r.touches),
    first: iso(r.first),
    last: iso(r.last),
  }))
  const invitations = (await store.one<{shown: number; accepted: number}>(sql('invitations.sql', {site_filter_e: siteE}), params)) ?? {shown: 0, accepted: 0}
  const tier = await store.one<{cd: number}>(sql('tier.sql'), {person: ref.customer_id})

  // intents over time: visits' classified intents and leads' stated ones
  const intents: ProfileResult['intents'] = [
    ...visits.filter((v) => v.intent && v.intent !== 'unknown').map((v) => ({ts: v.started_at, intent: v.intent!, from: 'visit' as const, ref: v.session_id})),
    ...leads.filter((l) => l.intent).map((l) => ({ts: l.ts, intent: l.intent!, from: 'lead' as const, ref: l.lead_id})),
  ].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.from.localeCompare(b.from)))
  const intentCounts = new Map<string, {n: number; last: string}>()
  for (const i of intents) intentCounts.set(i.intent, {n: (intentCounts.get(i.intent)?.n ?? 0) + 1, last: i.ts})
  const intentTags = [...intentCounts.entries()].sort((a, b) => b[1].n - a[1].n || (a[1].last < b[1].last ? 1 : -1) || a[0].localeCompare(b[0])).map(([k]) => k)

  // the agent of the latest answered chat or call (by answer time)
  const served = [
    ...chats.filter((c) => c.agent_id && c.answered_at).map((c) => ({agent_id: c.agent_id!, via: 'chat' as const, contact_id: c.conversation_id, at: c.answered_at!})),
    ...calls.filter((c) => c.agent_id && c.answered_at).map((c) => ({agent_id: c.agent_id!, via: 'call' as const, contact_id: c.call_id, at: c.answered_at!})),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.contact_id.localeCompare(b.contact_id)))

  const ratings = [...chats.map((c) => c.csat), ...calls.map((c) => c.csat)].filter((x): x is number => x !== null)
  const rated = [...chats.map((c) => ({at: c.requested_at, csat: c.csat})), ...calls.map((c) => ({at: c.offered_at, csat: c.csat}))]
    .filter((x) => x.csat !== null)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))

  const outbound = calls.filter((c) => c.direction === 'outbound')
  const attempts = outbound.length + Number(invitations.shown)
  const responses = outbound.filter((c) => c.answered_at !== null).length + Number(invitations.accepted)

  const value = new Map<string, {orders: number; amount: number}>()
  for (const o of orders) {
    if (o.amount === null) continue
    const v = value.get(o.currency ?? '') ?? {orders: 0, amount: 0}
    value.set(o.currency ?? '', {orders: v.orders + 1, amount: v.amount + o.amount})
  }
  const percentile = tier ? Number(tier.cd) : null

  return {
    query: ref.query,
    matched: ref.matched,
    customer_id: ref.customer_id,
    identity: {
      visitors: idsOf('visitor').map((i) => i.id),
      members: idsOf('member').map((i) => i.id),
      customer_ids: idsOf('customer').map((i) => i.id),
      phones: contact('phone'),
      emails: contact('email'),
      wechats: contact('wechat'),
      records: {calls: idsOf('call').length, conversations: idsOf('conversation').length, leads: idsOf('lead').length, orders: idsOf('order').length},
    },
    first_seen: isoOrNull(person?.first_seen),
    last_seen: isoOrNull(person?.last_seen),
    channels,
    visits,
    intents,
    chats,
    calls,
    leads,
    orders,
    order_value: [...value.entries()].map(([currency, v]) => ({currency, orders: v.orders, amount: round(v.amount, 2)!})),
    last_agent: served.at(-1) ?? null,
    satisfaction: {
      ratings: ratings.length,
      mean: ratings.length ? ratings.reduce((a, b) => a + b, 0) / ratings.length : null,
      top2_share: ratings.length ? ratings.filter((x) => x >= 4).length / ratings.length : null,
      last: rated.at(-1)?.csat ?? null,
    },
    tags: {
      intents: intentTags,
      value_tier: valueTier(percentile),
      value_percentile: percentile,
      responsiveness: responsiveness(responses, attempts),
      response_rate: attempts ? responses / attempts : null,
      attempts,
      responses,
    },
  }
}

/** The person's contacts in time order: what --csv prints and --out writes. */
export function profileRows(r: ProfileResult): Row[] {
  const rows: Row[] = [
    ...r.visits.map((v) => ({ts: v.started_at, kind: 'visit', channel: 'web', id: v.visitor_id, agent_id: null, detail: visitDetail(v)})),
    ...r.chats.map((c) => ({
      ts: c.requested_at,
      kind: 'chat',
      channel: c.channel,
      id: c.conversation_id,
      agent_id: c.agent_id,
      detail: joinParts([c.outcome, c.csat !== null ? `csat ${c.csat}` : null, c.resolved === false ? 'not resolved' : null]),
    })),
    ...r.calls.map((c) => ({
      ts: c.offered_at,
      kind: 'call',
      channel: c.direction,
      id: c.call_id,
      agent_id: c.agent_id,
      detail: joinParts([c.disposition, c.outcome, c.csat !== null ? `csat ${c.csat}` : null]),
    })),
    ...r.leads.map((l) => ({ts: l.ts, kind: 'lead', channel: l.channel, id: l.lead_id, agent_id: l.agent_id, detail: joinParts([l.product, l.intent, l.status])})),
    ...r.orders.map((o) => ({
      ts: o.ts,
      kind: 'order',
      channel: o.channel,
      id: o.order_id,
      agent_id: o.agent_id,
      detail: joinParts([o.product, o.amount !== null ? `${o.amount}${o.currency ? ` ${o.currency}` : ''}` : null]),
    })),
  ]
  const order = ['visit', 'chat', 'call', 'lead', 'order']
  return rows.sort((a, b) => (a.ts! < b.ts! ? -1 : a.ts! > b.ts! ? 1 : order.indexOf(String(a.kind)) - order.indexOf(String(b.kind))))
}

function visitDetail(v: ProfileVisit): string {
  return joinParts([
    `visit ${v.visit_number ?? '?'}`,
    `${v.medium ?? 'direct'}${v.source ? ` / ${v.source}` : ''}`,
    v.term ? `"${v.term}"` : null,
    joinParts([v.province, v.city], ' '),
    v.device,
    v.intent && v.intent !== 'unknown' ? `intent ${v.intent}` : null,
  ])
}

function joinParts(parts: Array<string | null | undefined>, sep = ' · '): string {
  return parts.filter((p) => p !== null && p !== undefined && p !== '').join(sep)
}

/** The summary as label/value lines (terminal and the page's first table). */
export function profileSummary(r: ProfileResult): Array<{field: string; value: string}> {
  const list = (xs: string[]) => (xs.length ? xs.join(', ') : '—')
  const t = r.tags
  return [
    {field: 'person', value: r.customer_id},
    {field: 'found by', value: `${r.matched.kind} ${r.matched.id}`},
    {field: 'visitor ids (devices)', value: list(r.identity.visitors)},
    {field: 'member ids', value: list(r.identity.members)},
    {field: 'customer ids', value: list(r.identity.customer_ids)},
    {field: 'phones', value: list(r.identity.phones)},
    {field: 'emails', value: list(r.identity.emails)},
    {field: 'WeChat', value: list(r.identity.wechats)},
    {field: 'first seen', value: r.first_seen ?? '—'},
    {field: 'last seen', value: r.last_seen ?? '—'},
    {field: 'channels', value: list(r.channels.map((c) => `${c.channel} ×${c.touches}`))},
    {field: 'visits / chats / calls', value: `${r.visits.length} / ${r.chats.length} / ${r.calls.length}`},
    {field: 'leads / orders', value: `${r.leads.length} / ${r.orders.length}`},
    {field: 'order value', value: list(r.order_value.map((v) => `${v.amount}${v.currency ? ` ${v.currency}` : ''} (${v.orders})`))},
    {field: 'last agent', value: r.last_agent ? `${r.last_agent.agent_id} (${r.last_agent.via} ${r.last_agent.contact_id}, ${r.last_agent.at})` : '—'},
    {
      field: 'satisfaction',
      value: r.satisfaction.ratings
        ? `mean ${round(r.satisfaction.mean, 2)} of 5, top-2-box ${percent(r.satisfaction.top2_share)} (${r.satisfaction.ratings} ratings), last ${r.satisfaction.last}`
        : '—',
    },
    {field: 'tag: intents', value: list(t.intents)},
    {field: 'tag: value tier', value: t.value_percentile === null ? t.value_tier : `${t.value_tier} (percentile ${percent(t.value_percentile, 0)})`},
    {
      field: 'tag: responsiveness',
      value: t.attempts ? `${t.responsiveness} (${t.responses} of ${t.attempts} calls and invitations answered)` : t.responsiveness,
    },
  ]
}

function textBlocks(r: ProfileResult): TextBlock[] {
  const blocks: TextBlock[] = [{lines: profileSummary(r).map((s) => `${s.field.padEnd(24)} ${s.value}`)}]
  const table = (title: string, rows: Row[], columns?: string[]) => {
    if (rows.length) blocks.push({title, rows, columns})
  }
  table('Visits', r.visits.map((v) => ({...v, duration: shortDuration(v.duration_s)})) as unknown as Row[], [
    'started_at',
    'visitor_id',
    'visit_number',
    'medium',
    'source',
    'term',
    'city',
    'device',
    'pages',
    'duration',
    'intent',
  ])
  table('Intents over time', r.intents as unknown as Row[])
  table('Chats', r.chats as unknown as Row[], ['requested_at', 'conversation_id', 'channel', 'agent_id', 'wait_s', 'duration_s', 'csat', 'resolved', 'outcome'])
  table('Calls', r.calls as unknown as Row[], ['offered_at', 'call_id', 'direction', 'agent_id', 'talk_s', 'disposition', 'csat', 'outcome'])
  table('Leads', r.leads as unknown as Row[])
  table('Orders', r.orders as unknown as Row[])
  return blocks
}

/** Vega-Lite: the person's contacts over time, one lane per kind. */
export function profileChart(r: ProfileResult): object {
  const values = profileRows(r).map((row) => ({...row, ts: String(row.ts).replace(' ', 'T')}))
  return {
    title: `Contacts of ${r.customer_id}`,
    data: {values},
    width: 560,
    mark: {type: 'point', filled: true, size: 80},
    encoding: {
      x: {field: 'ts', type: 'temporal', title: null},
      y: {field: 'kind', type: 'nominal', title: null, sort: ['visit', 'chat', 'call', 'lead', 'order']},
      color: {field: 'channel', type: 'nominal', title: 'channel'},
      tooltip: [{field: 'ts', type: 'temporal', format: '%Y-%m-%d %H:%M:%S'}, {field: 'kind'}, {field: 'channel'}, {field: 'id'}, {field: 'agent_id'}, {field: 'detail'}],
    },
  }
}

/** The person's page (`--out profile.html`): summary and tags, the timeline, then each list. */
export function profilePage(r: ProfileResult): ReportSection[] {
  return [
    {
      title: `Person ${r.customer_id}`,
      description: `Found by ${r.matched.kind} ${r.matched.id}. Contacts are shown masked. Tags and formulas: docs/metrics.md "Profile".`,
      charts: [profileChart(r)],
      tables: [{title: 'Profile', rows: profileSummary(r)}],
    },
    {title: 'Timeline', charts: [], tables: [{title: 'Contacts in time order', rows: profileRows(r)}]},
    {
      title: 'Visits and intents',
      charts: [],
      tables: [
        {title: 'Visits', rows: r.visits as unknown as Row[]},
        {title: 'Intents over time', rows: r.intents as unknown as Row[]},
      ],
    },
    {
      title: 'Service and sales',
      charts: [],
      tables: [
        {title: 'Chats', rows: r.chats as unknown as Row[]},
        {title: 'Calls', rows: r.calls as unknown as Row[]},
        {title: 'Leads', rows: r.leads as unknown as Row[]},
        {title: 'Orders', rows: r.orders as unknown as Row[]},
      ],
    },
  ]
}

/** `ccx report profile ID`: one person across devices and channels. */
export default defineReport<ProfileOptions & {id: string}, ProfileResult>({
  id: 'marketing/profile',
  title: 'Customer profile',
  needs: {tables: ['sessions', 'events', 'customers', 'customer_ids'], pipelines: ['normalize', 'identities'], optional: ['intents']},
  run: (ctx, options) => profileReport(ctx.store, options.id, options),
  rows: profileRows,
  text: textBlocks,
  charts: (result) => [profileChart(result)],
  page: profilePage,
})
