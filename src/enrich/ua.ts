import {createRequire} from 'node:module'

export type DeviceType = 'desktop' | 'mobile' | 'tablet' | 'bot' | 'other'

export interface UserAgentInfo {
  ua: string
  browser: string | null
  browserVersion: string | null
  os: string | null
  osVersion: string | null
  deviceType: DeviceType
  isBot: boolean
  /** The crawler's name when isBot (Baiduspider, Googlebot…). */
  botName: string | null
}

/** Bump when the rules change, so the normalize pipeline re-parses cached rows. */
export const UA_PARSER_VERSION = 1

/** Named crawlers first (their name is reported), then generic markers of automation. */
const NAMED_BOTS: Array<[string, RegExp]> = [
  ['Baiduspider', /baiduspider/i],
  ['Googlebot', /googlebot|google-inspectiontool|adsbot-google|mediapartners-google/i],
  ['bingbot', /bingbot|bingpreview|msnbot/i],
  ['Sogou Spider', /sogou (web|inst|pic|orion|news|video) ?spider|sogou-test-spider/i],
  ['360Spider', /360spider|haosouspider/i],
  ['YisouSpider', /yisouspider/i],
  ['Bytespider', /bytespider/i],
  ['YandexBot', /yandex(bot|images|mobilebot|metrika)/i],
  ['DuckDuckBot', /duckduckbot/i],
  ['Applebot', /applebot/i],
  ['PetalBot', /petalbot/i],
  ['Yahoo! Slurp', /slurp/i],
  ['facebookexternalhit', /facebookexternalhit|facebot/i],
  ['Twitterbot', /twitterbot/i],
  ['SemrushBot', /semrushbot/i],
  ['AhrefsBot', /ahrefsbot/i],
  ['MJ12bot', /mj12bot/i],
  ['GPTBot', /gptbot|chatgpt-user|claudebot|ccbot/i],
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
const GENERIC_BOT = /bot\b|bot\/|spider|crawl|slurp|headless|monitor|uptime|pingdom|preview|fetcher|scanner/i

export function detectBot(ua: string): string | null {
  for (const [name, re] of NAMED_BOTS) if (re.test(ua)) return name
  const m = GENERIC_BOT.exec(ua)
  if (m) return /([A-Za-z0-9_.-]*(bot|spider|crawler))/i.exec(ua)?.[1] ?? 'bot'
  return null
}

interface UaResult {
  browser: {name?: string; version?: string}
  os: {name?: string; version?: string}
  device: {type?: string}
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

const DESKTOP_OS =
  /^(windows|mac os|macos|linux|ubuntu|debian|fedora|chromium os|chrome os|freebsd|openbsd|solaris|mint|arch|gentoo|suse|red hat|centos)/i

/** Browser, OS, device type and bot flag, with ua-parser-js 1.x (MIT) and our crawler list. */
export function parseUserAgent(ua: string | null | undefined): UserAgentInfo {
  const text = (ua ?? '').trim()
  const base: UserAgentInfo = {
    ua: ua ?? '',
    browser: null,
    browserVersion: null,
    os: null,
    osVersion: null,
    deviceType: 'other',
    isBot: false,
    botName: null,
  }
  if (text === '') return base
  const r = uaParser()(text)
  const info: UserAgentInfo = {
    ...base,
    browser: r.browser.name ?? null,
    browserVersion: r.browser.version ?? null,
    os: r.os.name ?? null,
    osVersion: r.os.version ?? null,
  }
  const bot = detectBot(text)
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
