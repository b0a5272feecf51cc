import {protectContact, type ContactKind} from '../ingest/contacts.js'

/**
 * Contact details inside an event's free-form `props` (e.g. the phone a visitor typed into ccx's own lead form:
 * `{"phone": "13812345678"}`) are stored as every contact field is (src/ingest/contacts.ts): the masked value in place
 * and the sha256 of the normalized value beside it (`phone_hash`), never the raw value. `serve` applies this before
 * it writes the event log; `ingest probe` on every file it loads.
 */

/** Keys (lower case, without spaces, `_`, `-`, `.`) that hold a contact detail, and its kind. */
const CONTACT_KEYS = new Map<string, ContactKind | 'infer'>([
  ...['phone', 'mobile', 'tel', 'telephone', 'cellphone', 'phonenumber', 'mobilephone', 'mobileno', 'phoneno', 'contactphone'].map(
    (k) => [k, 'phone'] as const,
  ),
  ...['手机', '手机号', '手机号码', '电话', '电话号码', '联系电话'].map((k) => [k, 'phone'] as const),
  ...['email', 'mail', 'emailaddress', '邮箱', '电子邮箱', '电子邮件'].map((k) => [k, 'email'] as const),
  ...['wechat', 'weixin', 'wx', 'wechatid', '微信', '微信号'].map((k) => [k, 'wechat'] as const),
  ...['contact', '联系方式'].map((k) => [k, 'infer'] as const),
])

/** Cheap test before parsing: could this text hold one of CONTACT_KEYS? (Case-insensitive, as keys are compared.) */
export const MAYBE_CONTACT_SOURCE = 'phone|mobile|tel|mail|wechat|weixin|wx|contact|手机|电话|邮|微信|联系'
const MAYBE_CONTACT = new RegExp(MAYBE_CONTACT_SOURCE, 'i')

export function mayHoldContacts(text: string): boolean {
  return MAYBE_CONTACT.test(text)
}

function keyKind(key: string): ContactKind | 'infer' | undefined {
  return CONTACT_KEYS.get(key.toLowerCase().replace(/[\s_.-]/g, ''))
}

/** A generic "contact" field: an address with @ is an email, mostly digits a phone, anything else a WeChat id. */
function inferKind(value: string): ContactKind {
  if (value.includes('@')) return 'email'
  return value.replace(/[^0-9]/g, '').length >= 7 && /^[\d\s+()-]+$/.test(value.trim()) ? 'phone' : 'wechat'
}

/** What a protected value adds beside the key: whether a raw value was replaced, and its kind, normalized form, hash. */
export interface ProtectedContact {
  kind: ContactKind
  normalized: string
  hash: string
}

/**
 * Masks the contact values of a JSON value in place (objects at any depth, and strings that are themselves JSON
 * objects, as the probe sends `props`). Returns the contacts it replaced. Values already protected (a `<key>_hash`
 * beside them) are left as they are, so applying it twice changes nothing.
 */
function protectValue(value: unknown, found: ProtectedContact[]): unknown {
  if (typeof value === 'string') {
    const t = value.trimStart()
    if (!t.startsWith('{') || !mayHoldContacts(t)) return value
    let inner: unknown
    try {
      inner = JSON.parse(value)
    } catch {
      return value
    }
    const before = found.length
    const out = protectValue(inner, found)
    return found.length > before ? JSON.stringify(out) : value
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = protectValue(value[i], found)
    return value
  }
  if (value === null || typeof value !== 'object') return value
  const o = value as Record<string, unknown>
  for (const key of Object.keys(o)) {
    const v = o[key]
    const kind = keyKind(key)
    if (kind && (typeof v === 'string' || typeof v === 'number') && !(`${key}_hash` in o)) {
      const text = String(v)
      const contactKind = kind === 'infer' ? inferKind(text) : kind
      const p = protectContact(contactKind, text)
      // nothing that normalizes to a contact (no digits in a phone field): nothing to protect
      if (p.normalized === null || p.hash === null) continue
      o[key] = p.masked
      o[`${key}_hash`] = p.hash
      found.push({kind: contactKind, normalized: p.normalized, hash: p.hash})
    } else if (typeof v === 'object' || typeof v === 'string') o[key] = protectValue(v, found)
  }
  return value
}

/**
 * The props text with its contact values masked and hashed, and the contacts replaced; `text` itself (and none) when
 * it holds none or is not JSON.
 */
export function protectPropsText(text: string): {text: string; contacts: ProtectedContact[]} {
  if (!mayHoldContacts(text)) return {text, contacts: []}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return {text, contacts: []}
  }
  if (parsed === null || typeof parsed !== 'object') return {text, contacts: []}
  const contacts: ProtectedContact[] = []
  const out = protectValue(parsed, contacts)
  return contacts.length === 0 ? {text, contacts} : {text: JSON.stringify(out), contacts}
}
