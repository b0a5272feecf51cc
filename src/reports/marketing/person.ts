import {CcxError, EXIT} from '../../errors.js'
import {asQuery, contactQueries, isContactHash, isContactKind, type ContactQuery} from '../../privacy/lookup.js'
import {readSql, renderSql, type Store} from '../../store/store.js'
import {siteFilter} from '../common.js'

/**
 * One person of the `identities` pipeline (customers, customer_ids) found by any of their identifiers: a visitor id,
 * member id, customer id, phone (hashed as ingest hashes it, never printed raw), email, WeChat id, a call, chat, lead or
 * order id, or the person's own customer_id (`kind:value`). Rules: docs/metrics.md "Identity" and "Profile".
 */

export const ID_KINDS = ['visitor', 'member', 'customer', 'phone', 'email', 'wechat', 'lead', 'call', 'conversation', 'order'] as const
export type IdKind = (typeof ID_KINDS)[number]
/** Kinds a plain value is tried as (contacts only when the value looks like one, or with --kind). */
const PLAIN_KINDS: IdKind[] = ['visitor', 'member', 'customer', 'lead', 'call', 'conversation', 'order']

export interface PersonRef {
  customer_id: string
  /** Which identifier the query matched, its value masked when it is a contact. */
  matched: {kind: IdKind | 'person'; id: string}
  /** The query as it may be shown (a contact masked). */
  query: string
}

export function isIdKind(kind: string): kind is IdKind {
  return (ID_KINDS as readonly string[]).includes(kind)
}

/** The tables a person lookup needs (built by `ccx run identities`). */
export async function hasIdentities(store: Store): Promise<boolean> {
  return (await store.tableExists('customer_ids')) && (await store.tableExists('customers'))
}

/** Finds the one person `query` names; refuses (never guesses) when it names nobody, a shared id, or several people. */
export async function resolvePerson(store: Store, query: string, options: {kind?: IdKind} = {}): Promise<PersonRef> {
  const raw = query.trim()
  if (raw === '') throw new CcxError('give an id: a visitor, member or customer id, a phone number, …', {code: 'NO_PERSON', exit: EXIT.usage})
  if (!(await hasIdentities(store))) {
    throw new CcxError(`${store.path} has no customers yet: persons are built by the identities pipeline`, {
      code: 'NO_TABLE',
      exit: EXIT.failure,
      suggestions: ['Run `ccx run identities` (or add --refresh).'],
    })
  }
  // the person's own key as reports print it: `customer:C-100`, `visitor:v1`, `phone:<hash>`
  const prefixed = /^([a-z]+):(.+)$/.exec(raw)
  if (!options.kind && prefixed && isIdKind(prefixed[1]!)) {
    const hit = await store.one<{customer_id: string}>('select customer_id from customers where customer_id = $q limit 1', {q: raw})
    if (hit) return {customer_id: hit.customer_id, matched: {kind: 'person', id: raw}, query: raw}
    return resolvePerson(store, prefixed[2]!, {kind: prefixed[1] as IdKind})
  }
  const candidates: Array<{kind: IdKind; value: string; shown: string}> = []
  const contactsOf = (value: string): ContactQuery[] => {
    if (options.kind && isContactKind(options.kind)) {
      if (isContactHash(value)) return [{kind: options.kind, hash: value, masked: `${value.slice(0, 12)}…`}]
      const q = asQuery(options.kind, value)
      return q ? [q] : []
    }
    if (options.kind) return []
    return contactQueries(value)
  }
  for (const c of contactsOf(raw)) candidates.push({kind: c.kind, value: c.hash, shown: c.masked})
  if (!options.kind && isContactHash(raw)) for (const kind of ['phone', 'email', 'wechat'] as const) candidates.push({kind, value: raw, shown: `${raw.slice(0, 12)}…`})
  const plainKinds = options.kind ? (isContactKind(options.kind) ? [] : [options.kind]) : PLAIN_KINDS
  // a value that is a contact is shown masked everywhere, even where it is tried as an id
  const shown = candidates[0]?.shown ?? raw
  for (const kind of plainKinds) candidates.push({kind, value: raw, shown})

  const found = new Map<string, Array<{kind: IdKind; shown: string}>>()
  for (const c of candidates) {
    const rows = await store.all<{customer_id: string}>('select distinct customer_id from customer_ids where kind = $kind and id = $id', {kind: c.kind, id: c.value})
    for (const r of rows) found.set(r.customer_id, [...(found.get(r.customer_id) ?? []), {kind: c.kind, shown: c.shown}])
  }
  if (found.size === 1) {
    const [[customerId, hits]] = [...found.entries()]
    return {customer_id: customerId, matched: {kind: hits![0]!.kind, id: hits![0]!.shown}, query: shown}
  }
  if (found.size > 1) {
    const list = [...found.entries()].map(([cid, hits]) => `${hits.map((h) => h.kind).join('/')} → ${cid}`)
    throw new CcxError(`${shown} names ${found.size} different people: ${list.join('; ')}`, {
      code: 'AMBIGUOUS_ID',
      exit: EXIT.usage,
      suggestions: ['Say which kind of id it is with --kind (visitor, member, customer, phone, …), or give the person as kind:value.'],
    })
  }
  // nobody: a shared identifier, a crawler, or unknown
  for (const c of candidates) {
    const blocked = await store.one<{reason: string; records: number; linked_ids: number}>(
      'select reason, records, linked_ids from identity_blocked where kind = $kind and id = $id',
      {kind: c.kind, id: c.value},
    )
    if (blocked) {
      throw new CcxError(
        `${c.kind} ${c.shown} identifies nobody: it is ${blocked.reason === 'placeholder' ? 'a placeholder' : 'shared'} (${blocked.records} records, linked to ${blocked.linked_ids} other people's ids), so the identities pipeline links no one through it`,
        {code: 'SHARED_ID', exit: EXIT.usage, suggestions: ["Look the person up by another of their ids; `identity_blocked` lists the shared ones (docs/metrics.md \"Identity\")."]},
      )
    }
  }
  if (plainKinds.includes('visitor') && (await store.tableExists('sessions'))) {
    const bot = await store.scalar<number>('select count(*) from sessions where visitor_id = $q and is_bot', {q: raw})
    if (bot > 0) throw new CcxError(`visitor ${raw} is a crawler (every visit is a bot's): not a person`, {code: 'NO_PERSON', exit: EXIT.usage})
  }
  const tried = [...new Set(candidates.map((c) => c.kind))].join(', ')
  throw new CcxError(`no person with ${options.kind ?? 'id'} ${shown} in ${store.path} (tried: ${tried})`, {
    code: 'NO_PERSON',
    exit: EXIT.usage,
    suggestions: [
      'Give a visitor id, member id, customer id, phone number or email, a call, chat, lead or order id (--kind to say which).',
      'Data loaded after the last `ccx run identities` is not linked yet: add --refresh.',
    ],
  })
}

/**
 * The `touches` and `conversions` CTEs of person/touches.sql, for every person or for one (`$person` = its
 * customer_id), on one site or all.
 */
export function touchesCte(options: {site?: string; one?: boolean}): string {
  const who = options.one ? 'customer_id = $person and ' : ''
  return renderSql(readSql(import.meta.url, 'person/touches.sql'), {
    person_visitors: `select id as visitor_id, customer_id from customer_ids where ${who}kind = 'visitor'`,
    person_records: `select kind, id, customer_id from customer_ids where ${who}kind in ('conversation', 'call', 'lead', 'order')`,
    site_filter_s: siteFilter(options.site, 's.site'),
    site_filter_e: siteFilter(options.site, 'e.site'),
    site_filter_c: siteFilter(options.site, 'c.site', true),
    site_filter_l: siteFilter(options.site, 'l.site', true),
    site_filter_o: siteFilter(options.site, 'o.site', true),
  })
}

/** Seconds as a short duration for tables: 90 → "1m 30s", 68100 → "18h 55m", 200000 → "2d 7h". */
export function shortDuration(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return ''
  const v = Math.round(s)
  if (v < 60) return `${v}s`
  if (v < 3600) return `${Math.floor(v / 60)}m${v % 60 ? ` ${v % 60}s` : ''}`
  if (v < 86400) return `${Math.floor(v / 3600)}h${Math.floor((v % 3600) / 60) ? ` ${Math.floor((v % 3600) / 60)}m` : ''}`
  return `${Math.floor(v / 86400)}d${Math.floor((v % 86400) / 3600) ? ` ${Math.floor((v % 86400) / 3600)}h` : ''}`
}
