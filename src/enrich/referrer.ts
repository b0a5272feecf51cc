import iconv from 'iconv-lite'
import {APP_PACKAGES, PAID_CLICK_IDS, SEARCH_ENGINES, SOCIAL_NETWORKS, UTM_MEDIUM, WEBMAIL, type SearchEngine} from './referrer-table.js'

export type Medium = 'search' | 'social' | 'email' | 'paid' | 'internal' | 'referral' | 'direct'

/** Bump when classification rules change: the normalize pipeline re-parses mapping rows of older versions. */
export const REFERRER_PARSER_VERSION = 1

/** What a referrer URL alone says (no landing page, no site domains). */
export interface ReferrerParts {
  /** Lower-cased host without port; for android-app referrers, the package name. */
  host: string | null
  medium: 'search' | 'social' | 'email' | 'paid' | 'referral' | 'direct'
  source: string | null
  /** Keyword decoded, trimmed, whitespace collapsed, NFKC + lower case: the grouping key. */
  term: string | null
  /** Keyword as decoded, before folding. */
  termRaw: string | null
}

/** What the landing URL's campaign parameters say; null fields defer to the referrer. */
export interface LandingParts {
  host: string | null
  /** Medium forced by utm_medium or a paid click id; null when the landing URL does not decide. */
  medium: Medium | null
  /** Medium to use when utm_* is present but utm_medium is unknown and the referrer is not external. */
  fallbackMedium: Medium | null
  source: string | null
  term: string | null
  termRaw: string | null
  campaign: string | null
}

export interface ReferrerClass {
  url: string | null
  medium: Medium
  source: string | null
  term: string | null
  termRaw: string | null
  campaign: string | null
}

interface UrlPieces {
  scheme: string
  host: string
  path: string
  query: string
  fragment: string
}

const URL_RE = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/i

export function splitUrl(raw: string): UrlPieces | null {
  let text = raw.trim()
  if (text === '') return null
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    // "www.baidu.com/s?wd=x": a host without a scheme
    if (/^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?([/?#]|$)/i.test(text)) text = `http://${text}`
    else return null
  }
  const m = URL_RE.exec(text)
  if (!m) return null
  const host = m[2]!.replace(/^.*@/, '').replace(/:\d*$/, '').replace(/\.$/, '').toLowerCase()
  return {scheme: m[1]!.toLowerCase(), host, path: m[3] || '/', query: m[4] ?? '', fragment: m[5] ?? ''}
}

export function urlHost(raw: string | null | undefined): string | null {
  if (!raw) return null
  return splitUrl(raw)?.host || null
}

/** Percent-decodes to bytes; `+` is a space in query strings. Malformed escapes stay literal. */
function percentBytes(value: string): Buffer {
  const s = value.replace(/\+/g, ' ')
  const out: number[] = []
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 0x25 && i + 2 < s.length + 0 && /^[0-9a-f]{2}$/i.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16))
      i += 2
    } else if (c < 0x80) {
      out.push(c)
    } else {
      for (const b of Buffer.from(s[i]!, 'utf8')) out.push(b)
    }
  }
  return Buffer.from(out)
}

const utf8 = new TextDecoder('utf-8', {fatal: true})

/**
 * Decodes a percent-escaped query value. UTF-8 first; when the bytes are not valid UTF-8, or the URL says
 * ie=gbk/gb2312, GB18030 (a superset of GBK and GB2312), as Baidu and Sogou used to send.
 */
export function decodeParam(value: string, charsetHint?: string | null): string {
  const bytes = percentBytes(value)
  const ascii = bytes.every((b) => b < 0x80)
  if (ascii) return bytes.toString('latin1')
  const hint = charsetHint?.toLowerCase()
  if (hint === 'gbk' || hint === 'gb2312' || hint === 'gb18030') return iconv.decode(bytes, 'gb18030')
  try {
    return utf8.decode(bytes)
  } catch {
    return iconv.decode(bytes, 'gb18030')
  }
}

/** Query parameters in order, raw (undecoded); names compared as given. */
export function queryParams(query: string): Array<[string, string]> {
  if (!query) return []
  const out: Array<[string, string]> = []
  for (const part of query.split('&')) {
    if (!part) continue
    const eq = part.indexOf('=')
    const name = eq < 0 ? part : part.slice(0, eq)
    out.push([decodeParam(name), eq < 0 ? '' : part.slice(eq + 1)])
  }
  return out
}

/** Grouping form of a keyword: trimmed, inner whitespace collapsed, NFKC (full-width → half-width), lower case. */
export function foldTerm(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null
  const folded = raw.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase()
  return folded === '' ? null : folded
}

function cleanRaw(raw: string): string | null {
  const t = raw.replace(/\s+/g, ' ').trim()
  return t === '' ? null : t
}

// --- host lookup ---------------------------------------------------------------------------------------------

type Kind = 'search' | 'social' | 'email'
interface HostEntry {
  kind: Kind
  name: string
  engine?: SearchEngine
  pathPrefix?: string
  exact?: boolean
}

const byHost = new Map<string, HostEntry[]>()
const byTld: Array<{label: string; entry: HostEntry}> = []
function add(host: string, entry: HostEntry) {
  const slash = host.indexOf('/')
  const h = slash < 0 ? host : host.slice(0, slash)
  const e = slash < 0 ? entry : {...entry, pathPrefix: host.slice(slash)}
  const list = byHost.get(h) ?? []
  // entries with a path prefix are tried first
  if (e.pathPrefix) list.unshift(e)
  else list.push(e)
  byHost.set(h, list)
}
for (const engine of SEARCH_ENGINES) {
  for (const h of engine.hosts) add(h, {kind: 'search', name: engine.name, engine, exact: engine.exactHosts})
  for (const t of engine.tld ?? []) byTld.push({label: t, entry: {kind: 'search', name: engine.name, engine}})
}
for (const s of SOCIAL_NETWORKS) {
  for (const h of s.hosts) add(h, {kind: 'social', name: s.name})
  for (const t of s.tld ?? []) byTld.push({label: t, entry: {kind: 'social', name: s.name}})
}
for (const m of WEBMAIL) for (const h of m.hosts) add(h, {kind: 'email', name: m.name})

const TLD_RE = /^(?:www\.|m\.)?([a-z0-9-]+)\.(?:(?:com?|net|org|gov|edu|ac)\.)?[a-z]{2,3}$/

/** The longest listed suffix of the host (with a matching path prefix, when the entry has one). */
function lookupHost(host: string, path: string): HostEntry | undefined {
  let h = host
  for (;;) {
    const list = byHost.get(h)
    if (list) {
      const hit = list.find((e) => (!e.pathPrefix || path.startsWith(e.pathPrefix)) && (!e.exact || h === host))
      if (hit) return hit
    }
    const dot = h.indexOf('.')
    if (dot < 0) break
    h = h.slice(dot + 1)
  }
  const m = TLD_RE.exec(host)
  if (m) return byTld.find((t) => t.label === m[1])?.entry
  return undefined
}

function nameFromHost(host: string): string {
  return host.replace(/^www\d?\./, '')
}

/** A keyword that is really a URL (Google's /url?q=https://…) hides the keyword. */
function looksLikeUrl(term: string): boolean {
  return /^(https?:\/\/|www\.)/i.test(term)
}

function findKeyword(params: Array<[string, string]>, names: string[], charset: string | null): {raw: string | null} {
  for (const name of names) {
    const hit = params.find(([n]) => n === name)
    if (!hit) continue
    const decoded = cleanRaw(decodeParam(hit[1], charset))
    if (decoded && !looksLikeUrl(decoded)) return {raw: decoded}
  }
  return {raw: null}
}

/** Classifies a referrer URL on its own: search (engine + keyword), social, email, referral or direct. */
export function parseReferrer(referrer: string | null | undefined): ReferrerParts {
  const none: ReferrerParts = {host: null, medium: 'direct', source: null, term: null, termRaw: null}
  if (!referrer || referrer.trim() === '') return none
  const url = splitUrl(referrer)
  if (!url || !url.host) return none
  if (url.scheme === 'android-app') {
    const app = APP_PACKAGES[url.host]
    if (app) return {host: url.host, medium: app.medium, source: app.name, term: null, termRaw: null}
    return {host: url.host, medium: 'referral', source: url.host, term: null, termRaw: null}
  }
  const entry = lookupHost(url.host, url.path)
  if (!entry) return {host: url.host, medium: 'referral', source: nameFromHost(url.host), term: null, termRaw: null}
  if (entry.kind !== 'search') return {host: url.host, medium: entry.kind, source: entry.name, term: null, termRaw: null}
  const engine = entry.engine!
  const params = [...queryParams(url.query), ...queryParams(url.fragment.includes('=') ? url.fragment : '')]
  const ie = params.find(([n]) => n === 'ie' || n === 'oe' || n === 'inputEncoding')?.[1] ?? null
  const {raw} = findKeyword(params, engine.params, ie)
  const paid = engine.paidPaths?.test(url.path) || url.host.endsWith('googleadservices.com')
  return {host: url.host, medium: paid ? 'paid' : 'search', source: engine.name, term: foldTerm(raw), termRaw: raw}
}

const CAMPAIGN_MARKER = /[?&#](utm_[a-z]+|gclid|gbraid|wbraid|dclid|msclkid|bd_vid|qhclickid|gdt_vid|qz_gdt)=/i
/** Regular expression (DuckDB-compatible) that picks landing URLs worth parsing. */
export const CAMPAIGN_MARKER_SQL = '[?&#](utm_[a-zA-Z]+|gclid|gbraid|wbraid|dclid|msclkid|bd_vid|qhclickid|gdt_vid|qz_gdt)='

const KNOWN_SOURCES = new Map<string, string>()
for (const e of [...SEARCH_ENGINES, ...SOCIAL_NETWORKS]) {
  KNOWN_SOURCES.set(e.name.toLowerCase(), e.name)
  for (const h of e.hosts) KNOWN_SOURCES.set(h.split('/')[0]!.split('.')[0]!.toLowerCase(), e.name)
}
KNOWN_SOURCES.set('360', '360 Search')
KNOWN_SOURCES.set('so', '360 Search')
KNOWN_SOURCES.set('weixin', 'WeChat')
KNOWN_SOURCES.set('twitter', 'X')

/** utm_source=baidu → "Baidu", so campaign traffic groups with organic traffic of the same engine. */
export function canonicalSource(source: string): string {
  const s = source.trim()
  const hit = KNOWN_SOURCES.get(s.toLowerCase())
  if (hit) return hit
  const host = urlHost(s.includes('.') ? s : null)
  if (host) {
    const entry = lookupHost(host, '/')
    if (entry) return entry.name
  }
  return s
}

/** Reads utm_* and paid click ids from a landing URL. */
export function parseLanding(landingUrl: string | null | undefined): LandingParts {
  const empty: LandingParts = {host: null, medium: null, fallbackMedium: null, source: null, term: null, termRaw: null, campaign: null}
  if (!landingUrl) return empty
  const url = splitUrl(landingUrl)
  if (!url) return empty
  const base = {...empty, host: url.host || null}
  if (!CAMPAIGN_MARKER.test(landingUrl)) return base
  const params = [...queryParams(url.query), ...queryParams(url.fragment.includes('=') ? url.fragment : '')]
  const get = (name: string): string | null => {
    const hit = params.find(([n]) => n.toLowerCase() === name)
    return hit ? cleanRaw(decodeParam(hit[1])) : null
  }
  const utmSource = get('utm_source')
  const utmMedium = get('utm_medium')
  const utmCampaign = get('utm_campaign')
  const utmTerm = get('utm_term')
  const clickId = Object.keys(PAID_CLICK_IDS).find((k) => params.some(([n]) => n.toLowerCase() === k))
  let medium: Medium | null = utmMedium ? (UTM_MEDIUM[utmMedium.toLowerCase()] ?? null) : null
  if (clickId && medium === null) medium = 'paid'
  const source = utmSource ? canonicalSource(utmSource) : clickId ? PAID_CLICK_IDS[clickId]! : null
  const anyUtm = Boolean(utmSource || utmMedium || utmCampaign || utmTerm)
  return {
    host: base.host,
    medium,
    fallbackMedium: anyUtm && medium === null ? 'referral' : null,
    source,
    term: foldTerm(utmTerm),
    termRaw: utmTerm,
    campaign: utmCampaign,
  }
}

function stripWww(host: string): string {
  return host.replace(/^www\d?\./, '')
}

/** True when the referrer host is the landing host or one of the site's own domains (or their subdomains). */
export function isInternal(refHost: string | null, landingHost: string | null, siteDomains: string[] = []): boolean {
  if (!refHost) return false
  const r = stripWww(refHost)
  if (landingHost && r === stripWww(landingHost)) return true
  return siteDomains.some((d) => {
    const dd = stripWww(d.toLowerCase())
    return dd !== '' && (r === dd || r.endsWith(`.${dd}`))
  })
}

/**
 * Classifies one visit's traffic source. Campaign parameters and paid click ids on the landing URL win over
 * the referrer; a referrer from the site itself is internal; no referrer is direct.
 * The normalize pipeline applies the same precedence in SQL (attribution.sql) over the mapping tables.
 */
export function classifyReferrer(
  referrer: string | null | undefined,
  options: {landingUrl?: string | null; siteDomains?: string[]} = {},
): ReferrerClass {
  const ref = parseReferrer(referrer)
  const landing = parseLanding(options.landingUrl)
  const internal = isInternal(ref.host, landing.host, options.siteDomains)
  const external = ref.medium !== 'direct' && !internal
  const medium: Medium = landing.medium ?? (external ? ref.medium : null) ?? landing.fallbackMedium ?? (internal ? 'internal' : 'direct')
  const source = landing.source ?? (external ? ref.source : null) ?? (internal ? ref.host : null)
  const useLandingTerm = landing.termRaw !== null
  return {
    url: referrer ?? null,
    medium,
    source,
    term: useLandingTerm ? landing.term : external ? ref.term : null,
    termRaw: useLandingTerm ? landing.termRaw : external ? ref.termRaw : null,
    campaign: landing.campaign,
  }
}
