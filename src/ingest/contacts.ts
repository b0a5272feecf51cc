import {createHash} from 'node:crypto'

/**
 * Contact details (phone, email, WeChat id) are stored as sha256 of the normalized value plus a masked
 * form; the raw value only with --keep-contacts (table contacts_raw). The SQL macros in contacts.sql
 * implement the same rules for bulk loads; test/unit/ingest-contacts.test.ts checks they agree.
 */
export type ContactKind = 'phone' | 'email' | 'wechat'

/** Digits only; a +86 / 0086 prefix before an 11-digit mobile number is dropped. */
export function normalizePhone(value: string | null | undefined): string | null {
  const digits = (value ?? '').replace(/[^0-9]/g, '')
  const m = /^(?:0086|86)(1\d{10})$/.exec(digits)
  const n = m ? m[1]! : digits
  return n === '' ? null : n
}

export function maskPhone(normalized: string | null): string | null {
  if (normalized === null) return null
  const n = normalized
  return n.length >= 7 ? n.slice(0, 3) + '*'.repeat(n.length - 7) + n.slice(-4) : '*'.repeat(n.length)
}

export function normalizeEmail(value: string | null | undefined): string | null {
  const n = (value ?? '').trim().toLowerCase()
  return n === '' ? null : n
}

export function maskEmail(normalized: string | null): string | null {
  if (normalized === null) return null
  const at = normalized.indexOf('@')
  return at > 0 ? normalized[0] + '***' + normalized.slice(at) : maskWechat(normalized)
}

export function normalizeWechat(value: string | null | undefined): string | null {
  const n = (value ?? '').trim().toLowerCase()
  return n === '' ? null : n
}

export function maskWechat(normalized: string | null): string | null {
  if (normalized === null) return null
  return normalized.length > 3 ? normalized.slice(0, 2) + '***' + normalized.slice(-1) : '***'
}

export function hashContact(normalized: string | null): string | null {
  return normalized === null ? null : createHash('sha256').update(normalized, 'utf8').digest('hex')
}

/** {normalized, hash, masked} for one contact value. */
export function protectContact(
  kind: ContactKind,
  value: string | null | undefined,
): {normalized: string | null; hash: string | null; masked: string | null} {
  const normalized = kind === 'phone' ? normalizePhone(value) : kind === 'email' ? normalizeEmail(value) : normalizeWechat(value)
  const masked = kind === 'phone' ? maskPhone(normalized) : kind === 'email' ? maskEmail(normalized) : maskWechat(normalized)
  return {normalized, hash: hashContact(normalized), masked}
}
