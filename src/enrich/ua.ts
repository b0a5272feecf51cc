import {createRequire} from 'node:module'
import {list as ISBOT_PATTERNS} from 'isbot'
import {ANDROID_MODEL, BRAND_NAMES, IN_APP_BROWSERS, MODEL_CODES, VENDOR_NAMES} from './ua-devices.js'

export type DeviceType = 'desktop' | 'mobile' | 'tablet' | 'bot' | 'other'

export interface UserAgentInfo {
  ua: string
  browser: string | null
  browserVersion: string | null
  os: string | null
  osVersion: string | null
  deviceType: DeviceType
  /** Device maker (Huawei, Xiaomi, OPPO, vivo, Honor, Apple…), when the user agent says. */
  brand: string | null
  /** Device model as the user agent gives it (e.g. "ELS-AN00", "iPhone"). */
  model: string | null
  /** The app whose built-in browser opened the page (WeChat, QQ, Baidu App, Weibo, Douyin, Toutiao, Alipay…). */
  app: string | null
  isBot: boolean
  /** The crawler's name when isBot (Baiduspider, Googlebot…). */
  botName: string | null
}

export {UA_PARSER_VERSION} from './versions.js'

/** Named crawlers first (their name is reported): the Chinese engines' and the big ones, then tools. */
const NAMED_BOTS: Array<[string, RegExp]> = [
  ['Baiduspider', /baiduspider|baidu-yunguance|baiduboxapp-spider/i],
  ['Googlebot', /googlebot|google-inspectiontool|adsbot-google|mediapartners-google|google-read-aloud|storebot-google|google web preview/i],
  ['bingbot', /bingbot|bingpreview|msnbot|adidxbot/i],
  ['Sogou Spider', /sogou (?:web|inst|pic|orion|news|video|spider)|sogou-test-spider|sogou ?spider/i],
  ['360Spider', /360spider|haosouspider|360jk/i],
  ['YisouSpider', /yisouspider/i],
  ['Bytespider', /bytespider|toutiaospider/i],
  ['Shenma', /shenma ?(?:bot|spider)/i],
  ['YoudaoBot', /youdaobot/i],
  ['EtaoSpider', /etaospider/i],
  ['Yandex', /yandex(?:bot|images|mobilebot|metrika|accessibilitybot|renderresourcesbot)/i],
  ['DuckDuckBot', /duckduckbot|duckassistbot/i],
  ['Applebot', /applebot/i],
  ['PetalBot', /petalbot|aspiegelbot/i],
  ['Yahoo! Slurp', /slurp/i],
  ['facebookexternalhit', /facebookexternalhit|facebot|meta-externalagent/i],
  ['Twitterbot', /twitterbot/i],
  ['SemrushBot', /semrushbot/i],
  ['AhrefsBot', /ahrefsbot/i],
  ['MJ12bot', /mj12bot/i],
  ['GPTBot', /gptbot|chatgpt-user|oai-searchbot|claudebot|claude-web|ccbot|perplexitybot/i],
  ['goo', /ichiro\/mobile/i],
  ['WebPageTest', /\bptst\//i],
  ['HeadlessChrome', /headlesschrome/i],
  ['PhantomJS', /phantomjs/i],
  ['Lighthouse', /lighthouse|pagespeed/i],
  ['curl', /^curl\//i],
  ['Wget', /^wget\//i],
  ['python-requests', /python-requests|python-urllib|aiohttp|scrapy/i],
  ['Go-http-client', /go-http-client/i],
  ['Java', /^java\/|okhttp|apache-httpclient/i],
  ['node-fetch', /node-fetch|axios|undici/i],
]

/** A user agent that names itself a crawler: "…bot", "…spider", "…crawler" as (the end of) a word. */
const SELF_DECLARED = /([a-z0-9_.-]*?(?:bot|spider|crawler|crawl))(?:\b|_|\d|\/)/gi

/**
 * isbot's patterns that guess from a user agent's shape or a common word ("java", "http", "news", a bare
 * "Brand-Model/1.0;"…) rather than name a crawler. Feature phones, smart TVs and in-app browsers look like that, so
 * these apply only when the user agent shows neither a device nor a known browser (rule 5 in docs/metrics.md).
 */
const ISBOT_GENERIC = new Set([
  '(?:^|[^g])news(?!sapphire)',
  '(?<! channel/|google/)google(?!(?:wv|app|/google| pixel))',
  '(?<!cam)scan',
  '(?<!lib)http',
  ';\\s\\w+;$',
  '@[a-z][\\w-]+\\.',
  '\\(\\)',
  '\\.com\\b',
  '\\b\\w+/1\\.0;',
  '\\|',
  '^[<\\(;]',
  '^[\\w \\.\\-\\(?:\\):%]+(?:/v?\\d+(?:\\.\\d+)?(?:\\.\\d{1,10})*?)?(?:,|$)',
  '^[\\w\\-]+/[\\w]+$',
  '^[^ ]{50,}$',
  '^\\d+\\b',
  '^\\w+/[\\w\\(\\)]*$',
  '^\\w+/\\d\\.\\d\\s\\([\\w@]+\\)$',
  '^mozilla/\\d\\.\\d\\s[\\w\\.-]+$',
  '^mozilla/\\d\\.\\d\\s\\((?:compatible;)?(?:\\s?[\\w\\d-.]+[\\s/]\\d+\\.\\d+)?\\)$',
  'java(?!;)',
  'agent\\b',
  'radar',
  'url',
  'server',
  'tools',
  'download',
  'library',
  'proxy',
  '^yahoo',
  '^whatsapp',
  '^wordpress',
  'feed',
  'detect',
  'check\\b',
  'insight',
  '-user/',
])
/** A bare word with an optional version ("Ice", "LG265"): old feature phones send that too, so it decides nothing. */
const BARE = new Set(['^[\\w \\.\\-\\(?:\\):%]+(?:/v?\\d+(?:\\.\\d+)?(?:\\.\\d{1,10})*?)?(?:,|$)'])
const ISBOT_SPECIFIC_RE = new RegExp(ISBOT_PATTERNS.filter((p) => !ISBOT_GENERIC.has(p)).join('|'), 'i')
const ISBOT_ALL_RE = new RegExp(ISBOT_PATTERNS.filter((p) => !BARE.has(p)).join('|'), 'i')

/** Markers of a physical device that ua-parser-js may not type: feature-phone stacks, TV platforms, Android apps. */
const DEVICE_MARKERS =
  /android|device model|midp|cldc|up\.browser|netfront|obigo|openwave|teleca|polaris|series ?[46]0|symbian|j2me|bada|kaios|hbbtv|netcast|smart-?tv|ce-html|inettv|googletv|appletv|tizen|webos|roku|playstation|nintendo|xbox|android application|\bdevice\/|dalvik\/|windows ce|windows phone|iemobile|blackberry|\bpalm|\bwap\b/i

interface UaResult {
  browser: {name?: string; version?: string}
  os: {name?: string; version?: string}
  device: {type?: string; vendor?: string; model?: string}
}
type UaParserFn = (ua: string) => UaResult
let parser: UaParserFn | undefined
function uaParser(): UaParserFn {
  if (!parser) {
    const require = createRequire(import.meta.url)
    const mod = require('ua-parser-js') as UaParserFn & {UAParser?: UaParserFn}
    parser = mod.UAParser ?? mod
  }
  return parser
}

const DEVICE_TYPES = new Set(['mobile', 'tablet', 'smarttv', 'wearable', 'console', 'embedded', 'xr'])

/**
 * The device maker: the brand name that appears first in the user agent, else the Chinese makers' model codes on the
 * Android model, else ua-parser-js's vendor.
 */
export function detectBrand(ua: string, vendor?: string | null): string | null {
  let best: string | null = null
  let at = Infinity
  for (const [brand, re] of BRAND_NAMES) {
    const m = re.exec(ua)
    if (m && m.index < at) {
      best = brand
      at = m.index
    }
  }
  if (best) return best
  const model = ANDROID_MODEL.exec(ua)?.[1]
  if (model) for (const [brand, re] of MODEL_CODES) if (re.test(model)) return brand
  if (!vendor || vendor === 'Generic') return null
  return VENDOR_NAMES[vendor.toLowerCase().replace(/\s+/g, '')] ?? vendor
}

export function detectApp(ua: string): string | null {
  for (const [app, re] of IN_APP_BROWSERS) if (re.test(ua)) return app
  return null
}

/** True when the user agent shows a physical device: a type or maker ua-parser-js found, a brand, a device stack. */
function physicalDevice(ua: string, r: UaResult | null, brand: string | null): boolean {
  if (r && (DEVICE_TYPES.has(r.device.type ?? '') || r.device.vendor || r.device.model)) return true
  if (brand && brand !== 'Apple') return true
  return DEVICE_MARKERS.test(ua) || /iphone|ipad|ipod|watchos/i.test(ua)
}

/** A self-declared crawler word that is not the device's own brand or model ("CUBOT", "Robot" phones). */
function selfDeclared(ua: string, brand: string | null, model: string | null): string | null {
  for (const m of ua.matchAll(SELF_DECLARED)) {
    const word = m[1]!
    const lower = word.toLowerCase()
    if (brand && lower.includes(brand.toLowerCase())) continue
    if (model && model.toLowerCase().includes(lower)) continue
    if (/^(?:ro|cu)bot$/i.test(word)) continue
    return word.replace(/[_.-]+$/, '')
  }
  return null
}

/**
 * The crawler a user agent is, or null. In order (docs/metrics.md "Bots"): 1. ccx's named crawlers; 2. a user agent
 * that calls itself a bot, spider or crawler; 3. a physical device (phone, tablet, TV, feature phone) is never a bot
 * otherwise; 4. a known browser is a bot only on isbot's patterns that name a crawler or tool; 5. anything else is a
 * bot on any isbot pattern.
 */
export function detectBot(ua: string, parsed?: UaResult): string | null {
  for (const [name, re] of NAMED_BOTS) if (re.test(ua)) return name
  const r = parsed ?? uaParser()(ua)
  const brand = detectBrand(ua, r.device.vendor)
  const self = selfDeclared(ua, brand, r.device.model ?? null)
  if (self) return self
  if (physicalDevice(ua, r, brand)) return null
  const knownBrowser = Boolean(r.browser.name && r.os.name)
  const m = (knownBrowser ? ISBOT_SPECIFIC_RE : ISBOT_ALL_RE).exec(ua)
  if (!m) return null
  return /^[A-Za-z][\w.-]*/.exec(ua)?.[0] ?? 'bot'
}

const DESKTOP_OS =
  /^(windows|mac os|macos|linux|ubuntu|debian|fedora|chromium os|chrome os|freebsd|openbsd|solaris|mint|arch|gentoo|suse|red hat|centos)/i

/** Browser, OS, device type, brand, in-app browser and bot flag, with ua-parser-js 1.x (MIT), isbot and our lists. */
export function parseUserAgent(ua: string | null | undefined): UserAgentInfo {
  const text = (ua ?? '').trim()
  const base: UserAgentInfo = {
    ua: ua ?? '',
    browser: null,
    browserVersion: null,
    os: null,
    osVersion: null,
    deviceType: 'other',
    brand: null,
    model: null,
    app: null,
    isBot: false,
    botName: null,
  }
  if (text === '') return base
  const r = uaParser()(text)
  const brand = detectBrand(text, r.device.vendor)
  const info: UserAgentInfo = {
    ...base,
    browser: r.browser.name ?? null,
    browserVersion: r.browser.version ?? null,
    os: r.os.name ?? null,
    osVersion: r.os.version ?? null,
    brand,
    model: r.device.model ?? null,
    app: detectApp(text),
  }
  const bot = detectBot(text, r)
  if (bot) return {...info, deviceType: 'bot', isBot: true, botName: bot}
  const t = r.device.type
  if (t === 'mobile') info.deviceType = 'mobile'
  else if (t === 'tablet') info.deviceType = 'tablet'
  else if (t === undefined && info.os && /^(android|ios|harmonyos|windows phone)/i.test(info.os))
    info.deviceType = /ipad|tablet/i.test(text) ? 'tablet' : 'mobile'
  else if (t === undefined && info.os && DESKTOP_OS.test(info.os)) info.deviceType = 'desktop'
  else info.deviceType = 'other'
  return info
}
