import iconv from 'iconv-lite'
import {LIST_COUNTRY_CODES, LIST_SEARCH_ENGINES, LIST_SOCIALS} from './referrer-lists.generated.js'
import {
  APP_PACKAGES,
  LIST_ENGINE_NAMES,
  LIST_SOCIAL_NAMES,
  PAID_CLICK_IDS,
  SEARCH_ENGINES,
  SOCIAL_NETWORKS,
  UTM_MEDIUM,
  WEBMAIL,
  type SearchEngine,
} from './referrer-table.js'

export type Medium = 'search' | 'social' | 'email' | 'paid' | 'internal' | 'referral' | 'direct'

export {REFERRER_PARSER_VERSION} from './versions.js'

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
 * ie=gbk/gb2312, the engine's legacy charset (`fallback`; GB18030, a superset of GBK and GB2312, when it has none),
 * as Baidu and Sogou used to send.
 */
export function decodeParam(value: string, charsetHint?: string | null, fallback = 'gb18030'): string {
  const bytes = percentBytes(value)
  const ascii = bytes.every((b) => b < 0x80)
  if (ascii) return bytes.toString('latin1')
  const hint = charsetHint?.toLowerCase()
  if (hint === 'gbk' || hint === 'gb2312' || hint === 'gb18030') return iconv.decode(bytes, 'gb18030')
  try {
    return utf8.decode(bytes)
  } catch {
    return iconv.decode(bytes, iconv.encodingExists(fallback) ? fallback : 'gb18030')
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

interface EngineRule {
  name: string
  params: Array<string | RegExp>
  /** iconv name of the legacy charset, for bytes that are not UTF-8 (GB18030 when iconv lacks it, checked on use). */
  fallback: string
  hidden: Array<string | RegExp>
  paidPaths?: RegExp
  paid: boolean
}

interface HostEntry {
  kind: Kind
  name: string
  engine?: EngineRule
  pathPrefix?: string
}

/** `/…/flags` from the lists (PHP regular expressions) as a RegExp; anything else stays a string. */
function listPattern(text: string): string | RegExp {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(text)
  if (!m || text.length < 2) return text
  try {
    return new RegExp(m[1]!, m[2]!.replace(/[^imsu]/g, ''))
  } catch {
    return text
  }
}

function legacyCharset(charsets: string[] | undefined): string {
  const c = (charsets ?? []).map((x) => x.toLowerCase()).find((x) => x !== 'utf-8' && x !== 'utf8')
  // iconv.encodingExists builds the codec's tables (~0.1 s for the DBCS ones): decodeParam asks on first use, so that
  // loading this module (every report's freshness check loads the normalize pipeline) stays cheap
  return !c || c === 'gb2312' || c === 'gbk' ? 'gb18030' : c
}

function engineRule(e: SearchEngine, name: string): EngineRule {
  return {
    name,
    params: e.params.map(listPattern),
    fallback: legacyCharset(e.charsets),
    hidden: (e.hidden ?? []).map(listPattern),
    paidPaths: e.paidPaths,
    paid: Boolean(e.paid),
  }
}

const CC = LIST_COUNTRY_CODES.join('|')
const LOSSY: Array<[RegExp, string]> = [
  [/^(?:w+[0-9]*|search)\./, ''],
  [/(^|\.)m\./g, '$1'],
  [new RegExp(`(?:\\.(?:com|org|net|co|it|edu))?\\.(?:${CC})(\\/|$)`, 'g'), '.{}$1'],
  [new RegExp(`(^|\\.)(?:${CC})\\.`, 'g'), '$1{}.'],
]

/** Matomo's "lossy" host: www./search./m. dropped, country codes (and com.xx, co.xx…) replaced by `{}`. */
export function lossyHost(host: string): string {
  let h = host
  for (const [re, to] of LOSSY) h = h.replace(re, to)
  return h
}

/** One map per priority: ccx's additions are looked up before the lists at every step. */
const ccxSearch = new Map<string, HostEntry[]>()
const listSearch = new Map<string, HostEntry[]>()
const ccxSocial = new Map<string, HostEntry[]>()
const listSocial = new Map<string, HostEntry[]>()

function add(map: Map<string, HostEntry[]>, url: string, entry: HostEntry, later: 'first' | 'last') {
  const u = url.toLowerCase().replace(/^[a-z]+:\/\//, '')
  const slash = u.indexOf('/')
  const key = slash < 0 ? u : u.slice(0, slash)
  const e = slash < 0 ? entry : {...entry, pathPrefix: u.slice(slash).replace(/\/$/, '')}
  const list = map.get(key) ?? []
  // Matomo: a later definition of the same host wins; ccx's own: the first
  if (later === 'last') list.unshift(e)
  else list.push(e)
  // entries with a path prefix are tried before the host's plain entry, the longest first
  list.sort((a, b) => (b.pathPrefix?.length ?? -1) - (a.pathPrefix?.length ?? -1))
  map.set(key, list)
  // "www.zapmetasearch.{}": a referrer's lossy form has lost the www., so the wildcard key is kept in that form too
  if (key.includes('{}')) {
    const lossy = lossyHost(key.replaceAll('{}', 'de'))
    if (lossy !== key) add(map, slash < 0 ? lossy : lossy + u.slice(slash), entry, later)
  }
}

for (const e of SEARCH_ENGINES) {
  const rule = engineRule(e, e.name)
  for (const u of e.urls) add(ccxSearch, u, {kind: 'search', name: e.name, engine: rule}, 'first')
}
for (const e of LIST_SEARCH_ENGINES) {
  const name = LIST_ENGINE_NAMES[e.name] ?? e.name
  const rule = engineRule(e, name)
  // android-app referrers are decided by package name (APP_PACKAGES), not as hosts
  for (const u of e.urls) if (!u.startsWith('android-app')) add(listSearch, u, {kind: 'search', name, engine: rule}, 'last')
}
for (const s of SOCIAL_NETWORKS) for (const h of s.hosts) add(ccxSocial, h, {kind: 'social', name: s.name}, 'first')
for (const m of WEBMAIL) for (const h of m.hosts) add(ccxSocial, h, {kind: 'email', name: m.name}, 'first')
for (const s of LIST_SOCIALS) {
  const name = LIST_SOCIAL_NAMES[s.name] ?? s.name
  for (const h of s.hosts) add(listSocial, h, {kind: 'social', name}, 'last')
}

/** A path prefix matches whole segments: /images/search matches /images/search and /images/search/x, not /images/searchx. */
function pathMatches(prefix: string, path: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`)
}

/**
 * The entry for a host (and path): the host itself, then its lossy form, then each parent domain the same way
 * (m.search.naver.com → search.naver.com); at each step ccx's additions before the list.
 */
function lookupHost(host: string, path: string, maps: Array<Map<string, HostEntry[]>>): HostEntry | undefined {
  let h = host
  for (;;) {
    for (const key of new Set([h, lossyHost(h)])) {
      // a host-and-path entry (bing.com/images/search) is closer than any plain host entry
      for (const map of maps) {
        const hit = map.get(key)?.find((e) => e.pathPrefix && pathMatches(e.pathPrefix, path))
        if (hit) return hit
      }
      for (const map of maps) {
        const hit = map.get(key)?.find((e) => !e.pathPrefix)
        if (hit) return hit
      }
    }
    const dot = h.indexOf('.')
    if (dot < 0 || h.indexOf('.', dot + 1) < 0) break
    h = h.slice(dot + 1)
  }
  return undefined
}

function nameFromHost(host: string): string {
  return host.replace(/^www\d?\./, '')
}

/** A keyword that is really a URL (Google's /url?q=https://…) hides the keyword. */
function looksLikeUrl(term: string): boolean {
  return /^(https?:\/\/|www\.)/i.test(term)
}

type Keyword = {raw: string} | 'empty' | null

/**
 * The keyword by the engine's parameters in order (Matomo's rules): a `/…/` pattern on the whole URL, or a query
 * (or fragment) parameter. A parameter present but empty, or holding a URL, means a search with a hidden keyword.
 */
function findKeyword(url: string, params: Array<[string, string]>, rule: EngineRule, charset: string | null): Keyword {
  for (const p of rule.params) {
    if (p instanceof RegExp) {
      const m = p.exec(url)
      if (!m?.[1]) continue
      const decoded = cleanRaw(decodeParam(m[1], charset, rule.fallback))
      if (decoded) return {raw: decoded}
      continue
    }
    const hit = params.find(([n]) => n === p)
    if (!hit) continue
    const decoded = cleanRaw(decodeParam(hit[1], charset, rule.fallback))
    if (!decoded || looksLikeUrl(decoded)) return 'empty'
    return {raw: decoded}
  }
  return null
}

function hiddenMatch(rule: EngineRule, pathQueryFragment: string): boolean {
  return rule.hidden.some((h) => (h instanceof RegExp ? h.test(pathQueryFragment) : h === pathQueryFragment))
}

/** Google's advanced search: all these words, any of these (OR), this exact phrase, none of these. */
function googleAdvanced(params: Array<[string, string]>): Keyword {
  const get = (n: string) => {
    const hit = params.find(([k]) => k === n)
    return hit ? cleanRaw(decodeParam(hit[1])) : null
  }
  const parts: string[] = []
  const all = get('as_q')
  const any = get('as_oq')
  const exact = get('as_epq')
  const none = get('as_eq')
  if (all) parts.push(all)
  if (any) parts.push(any.split(' ').join(' OR '))
  if (exact) parts.push(`"${exact}"`)
  if (none) parts.push(`-${none}`)
  return parts.length ? {raw: parts.join(' ')} : null
}

const CUSTOM_SEARCH = engineRule({name: 'Google Custom Search', urls: [], params: ['q', 'query']}, 'Google Custom Search')
const INFOSPACE = engineRule({name: 'InfoSpace', urls: [], params: ['/\\/pemonitorhosted\\/ws\\/results\\/[^/]+\\/([^/]+)/']}, 'InfoSpace')

/** Matomo's two engines known by their URL rather than their host: Google custom search and InfoSpace's hosted search. */
function specialEngine(url: UrlPieces): EngineRule | undefined {
  if (url.query.startsWith('cx=partner-pub-')) return CUSTOM_SEARCH
  if (url.path.startsWith('/pemonitorhosted/ws/results/')) return INFOSPACE
  return undefined
}

/** Google's own variants: images, video and shopping tabs. */
function googleVariant(name: string, path: string, params: Array<[string, string]>): string {
  if (name !== 'Google') return name
  if (path.startsWith('/imgres')) return 'Google Images'
  const tbm = params.find(([n]) => n === 'tbm')?.[1]
  if (tbm === 'isch') return 'Google Images'
  if (tbm === 'vid') return 'Google Video'
  if (tbm === 'shop') return 'Google Shopping'
  return name
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
    const social = ccxSocial.get(url.host)?.[0] ?? listSocial.get(url.host)?.[0]
    if (social) return {host: url.host, medium: social.kind, source: social.name, term: null, termRaw: null}
    return {host: url.host, medium: 'referral', source: url.host, term: null, termRaw: null}
  }
  const engine = lookupHost(url.host, url.path, [ccxSearch, listSearch])?.engine ?? specialEngine(url)
  if (engine) {
    let params = [...queryParams(url.query), ...queryParams(url.fragment.includes('=') ? url.fragment : '')]
    const ie = params.find(([n]) => n === 'ie' || n === 'oe' || n === 'inputEncoding')?.[1] ?? null
    // Google's old image results carry the search in `prev=/images?q=…`
    const prev = engine.name.startsWith('Google') ? params.find(([n]) => n === 'prev')?.[1] : undefined
    if (prev) params = queryParams(decodeParam(prev).split('?')[1] ?? '')
    let keyword = findKeyword(referrer.trim(), params, engine, ie)
    if ((keyword === null || keyword === 'empty') && engine.name === 'Google') keyword = googleAdvanced(params) ?? keyword
    const paid = engine.paid || Boolean(engine.paidPaths?.test(url.path))
    const pqf = url.path + (url.query ? `?${url.query}` : '') + (url.fragment ? `#${url.fragment}` : '')
    const tail = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(.*)$/i.exec(referrer.trim())?.[1] ?? ''
    if (keyword !== null || paid || hiddenMatch(engine, tail === '' ? '' : pqf)) {
      const raw = keyword !== null && keyword !== 'empty' && keyword.raw !== '' ? keyword.raw : null
      const source = googleVariant(engine.name, url.path, params)
      return {host: url.host, medium: paid ? 'paid' : 'search', source, term: foldTerm(raw), termRaw: raw}
    }
  }
  const social = lookupHost(url.host, url.path, [ccxSocial, listSocial])
  if (social) return {host: url.host, medium: social.kind, source: social.name, term: null, termRaw: null}
  return {host: url.host, medium: 'referral', source: nameFromHost(url.host), term: null, termRaw: null}
}

const CAMPAIGN_MARKER = /[?&#](utm_[a-z]+|hm(?:sr|md|pl|cu|kw|ci)|gclid|gbraid|wbraid|dclid|msclkid|bd_vid|qhclickid|gdt_vid|qz_gdt)=/i
/** Regular expression (DuckDB-compatible) that picks landing URLs worth parsing. */
export const CAMPAIGN_MARKER_SQL =
  '[?&#](utm_[a-zA-Z]+|hm(sr|md|pl|cu|kw|ci)|gclid|gbraid|wbraid|dclid|msclkid|bd_vid|qhclickid|gdt_vid|qz_gdt)='

const KNOWN_SOURCES = new Map<string, string>()
for (const e of [...SEARCH_ENGINES.map((x) => ({name: x.name, hosts: x.urls})), ...SOCIAL_NETWORKS]) {
  KNOWN_SOURCES.set(e.name.toLowerCase(), e.name)
  for (const h of e.hosts)
    KNOWN_SOURCES.set(
      h
        .split('/')[0]!
        .replace(/^(?:www\d?|m|wap)\./, '')
        .split('.')[0]!
        .toLowerCase(),
      e.name,
    )
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
    const entry = lookupHost(host, '/', [ccxSearch, listSearch, ccxSocial, listSocial])
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
  // Baidu Tongji's ad tracking (指定广告跟踪) names the same fields hmsr/hmmd/hmpl/hmkw; its plan, unit, keyword and
  // creative fields (hmpl, hmcu, hmkw, hmci) describe an ad account's structure: a paid click
  const utmSource = get('utm_source') ?? get('hmsr')
  const utmMedium = get('utm_medium') ?? get('hmmd')
  const utmCampaign = get('utm_campaign') ?? get('hmpl')
  const utmTerm = get('utm_term') ?? get('hmkw')
  const baiduAd = ['hmpl', 'hmcu', 'hmkw', 'hmci'].some((k) => get(k) !== null)
  const clickId = Object.keys(PAID_CLICK_IDS).find((k) => params.some(([n]) => n.toLowerCase() === k))
  let medium: Medium | null = utmMedium ? (UTM_MEDIUM[utmMedium.toLowerCase()] ?? null) : null
  if ((clickId || baiduAd) && medium === null) medium = 'paid'
  const source = utmSource ? canonicalSource(utmSource) : clickId ? PAID_CLICK_IDS[clickId]! : baiduAd ? 'Baidu' : null
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
