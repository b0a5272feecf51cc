import {protectContact, type ContactKind} from '../ingest/contacts.js'

/**
 * A contact someone types to look a person up (`ccx report profile 138-1234-5678`): hashed exactly as ingest hashes
 * stored contacts (src/ingest/contacts.ts), so it is found by its hash, and masked for every message and output —
 * the raw value is never printed nor stored.
 */
export interface ContactQuery {
  kind: ContactKind
  hash: string
  masked: string
}

const PHONE_LIKE = /^\+?[\d\s().-]+$/

/** The contact a typed value can be: a phone (7+ digits, with +, spaces, dashes, brackets), an email (has @), else none. */
export function contactQueries(value: string): ContactQuery[] {
  const v = value.trim()
  const out: ContactQuery[] = []
  if (PHONE_LIKE.test(v) && v.replace(/\D/g, '').length >= 7) out.push(asQuery('phone', v)!)
  if (v.includes('@')) out.push(asQuery('email', v)!)
  return out.filter(Boolean)
}

/** One kind, as the user said (`--kind wechat`): undefined when the value normalizes to nothing. */
export function asQuery(kind: ContactKind, value: string): ContactQuery | undefined {
  const p = protectContact(kind, value)
  return p.hash === null || p.masked === null ? undefined : {kind, hash: p.hash, masked: p.masked}
}

export function isContactKind(kind: string): kind is ContactKind {
  return kind === 'phone' || kind === 'email' || kind === 'wechat'
}

/** A 64-hex value is a stored contact hash (copied from a report's JSON or the customer_id of a person). */
export function isContactHash(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value)
}
