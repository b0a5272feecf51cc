// Fast seeded generator of realistic-ish probe events (canonical probe CSV layout, docs/formats.md).
// Reused by bench/ingest.mjs and bench/normalize.mjs: writeBigProbeCsvApart({path, events, seed}).
import {execFileSync} from 'node:child_process'
import {closeSync, fsyncSync, openSync, writeSync} from 'node:fs'

export const PROBE_COLUMNS = [
  'event_id',
  'ts',
  'site',
  'visitor_id',
  'type',
  'url',
  'title',
  'referrer',
  'ip',
  'user_agent',
  'x',
  'y',
  'selector',
  'member_id',
  'visit_count',
  'directive_id',
  'ref_id',
  'value',
  'props',
]

// The project's seeded PRNG (mulberry32); benches and e2e tests run after `npm run build`.
export {mulberry32 as rng} from '../../dist/stats/random.js'
import {mulberry32 as rng} from '../../dist/stats/random.js'

const KEYWORDS = [
  '佳能维修站',
  '佳能打印机维修',
  '传真机价格',
  '复印机租赁',
  '深圳相机维修',
  '长沙传真机',
  '昆明数码相机',
  '打印机墨盒',
  '激光打印机报价',
  '佳能官网',
  '佳能售后电话',
  '扫描仪驱动',
  '投影仪维修点',
  '北京佳能维修',
  '上海打印机维修',
  '广州复印机',
  '成都相机专卖店',
  '杭州打印机',
  '武汉传真机维修',
  '西安佳能经销商',
  '镜头维修',
  '单反相机价格',
  '打印机卡纸怎么办',
  '墨盒加墨',
]
const PRODUCTS = ['printer', 'fax', 'camera', 'copier', 'scanner', 'projector', 'lens', 'ink']
const PAGES = ['/', '/products', '/service', '/repair', '/stores', '/contact', '/price', '/support/faq', '/news', '/about']
const TITLES = ['首页', '产品中心', '服务支持', '维修网点', '经销商查询', '联系我们', '价格查询', '常见问题', '新闻', '关于我们']
const CN_PREFIXES = [
  '1.180',
  '14.17',
  '27.38',
  '36.110',
  '39.96',
  '42.120',
  '49.65',
  '58.30',
  '59.108',
  '60.12',
  '61.135',
  '101.226',
  '106.11',
  '110.75',
  '111.13',
  '112.80',
  '113.108',
  '114.114',
  '115.239',
  '116.228',
  '117.136',
  '118.112',
  '119.75',
  '120.204',
  '121.14',
  '122.224',
  '123.125',
  '124.160',
  '125.88',
  '140.205',
  '175.6',
  '180.149',
  '182.61',
  '183.60',
  '202.96',
  '210.21',
  '211.136',
  '218.30',
  '219.133',
  '220.181',
  '221.179',
  '222.73',
  '223.5',
]
const TYPES = ['pageview', 'pageview', 'pageview', 'heartbeat', 'heartbeat', 'click', 'pageview', 'heartbeat']

function buildUserAgents(rand, n) {
  const out = []
  for (let i = 0; i < n; i++) {
    const r = rand()
    const chrome = 90 + Math.floor(rand() * 40)
    if (r < 0.35)
      out.push(
        `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome}.0.${Math.floor(rand() * 6000)}.${Math.floor(rand() * 200)} Safari/537.36`,
      )
    else if (r < 0.55)
      out.push(
        `Mozilla/5.0 (iPhone; CPU iPhone OS ${14 + Math.floor(rand() * 4)}_${Math.floor(rand() * 7)} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.${Math.floor(rand() * 50)}(0x1800${Math.floor(rand() * 9999)}) NetType/WIFI Language/zh_CN`,
      )
    else if (r < 0.8)
      out.push(
        `Mozilla/5.0 (Linux; Android ${9 + Math.floor(rand() * 5)}; ${['HUAWEI P40', 'MI 11', 'OPPO R17', 'vivo X60', 'Redmi K40'][Math.floor(rand() * 5)]}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome}.0.${Math.floor(rand() * 6000)}.${Math.floor(rand() * 200)} Mobile Safari/537.36`,
      )
    else if (r < 0.95)
      out.push(
        `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_${Math.floor(rand() * 8)}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${13 + Math.floor(rand() * 5)}.1 Safari/605.1.15`,
      )
    else
      out.push(
        [
          'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)',
          'Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)',
          'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
          '360Spider',
        ][Math.floor(rand() * 4)],
      )
  }
  return out
}

function buildReferrers(rand, n) {
  const out = ['', '', '', '']
  for (let i = 0; out.length < n; i++) {
    const kw = KEYWORDS[Math.floor(rand() * KEYWORDS.length)] + (rand() < 0.6 ? ' ' + Math.floor(rand() * 900 + 100) : '')
    const enc = encodeURIComponent(kw)
    const r = rand()
    if (r < 0.4) out.push(`https://www.baidu.com/s?wd=${enc}&rsv_spt=1&ie=utf-8&f=${Math.floor(rand() * 9)}`)
    else if (r < 0.5) out.push(`https://m.baidu.com/s?word=${enc}&from=${1000 + Math.floor(rand() * 999)}a`)
    else if (r < 0.62) out.push(`https://www.sogou.com/web?query=${enc}&ie=utf8&_ast=${Math.floor(rand() * 1e9)}`)
    else if (r < 0.72) out.push(`https://www.so.com/s?q=${enc}&src=srp&fr=none`)
    else if (r < 0.8) out.push(`https://www.google.com/search?q=${enc}&hl=zh-CN`)
    else if (r < 0.85) out.push(`https://m.sm.cn/s?q=${enc}&from=wm${Math.floor(rand() * 9999)}`)
    else if (r < 0.9) out.push(`https://www.bing.com/search?q=${enc}`)
    else
      out.push(
        `https://www.${['zhihu', 'weibo', 'douban', 'tieba.baidu', 'news.163', 'sina', 'qq', 'hao123'][Math.floor(rand() * 8)]}.com/${Math.floor(rand() * 1e6)}.html`,
      )
  }
  return out
}

function pad(n) {
  return n < 10 ? '0' + n : String(n)
}

/** Formats epoch seconds as 'YYYY-MM-DD HH:MM:SS' (the numbers are used as wall-clock time as they are). */
function fmtTs(sec) {
  const d = new Date(sec * 1000)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
}

function csvField(s) {
  return /[",\n\r]/.test(s) ? '"' + s.replaceAll('"', '""') + '"' : s
}

/**
 * Writes `events` probe events as canonical CSV to `path`, deterministically for a seed.
 * Visitors come in sessions of pageviews, heartbeats and clicks; about 1 in 60 sessions belongs to a member.
 * Visitor ids are v<n> (base 36) for n in [visitorOffset, visitorOffset + visitors); with `returning: {count, share}` that
 * share of sessions come from the visitors [0, count) instead (returning visitors of an earlier file).
 * With `latePath`, `lateShare` of the events (chosen at random, so inside sessions too) go to that second file instead:
 * loaded after the first, they arrive late and out of order (docs/architecture.md "Incremental runs").
 * Returns {events, bytes, late}.
 */
export function writeBigProbeCsv({
  path,
  events = 5_000_000,
  seed = 42,
  sites = 4,
  start = '2026-01-05T00:00:00Z',
  days = 30,
  visitors: visitorCount,
  visitorOffset = 0,
  returning,
  latePath,
  lateShare = 0,
  sync = true,
}) {
  const rand = rng(seed)
  const uas = buildUserAgents(rand, 300)
  const refs = buildReferrers(rand, 4000)
  const ips = []
  for (let i = 0; i < 200_000; i++) {
    const p = CN_PREFIXES[Math.floor(rand() * CN_PREFIXES.length)]
    ips.push(
      p.split('.').length === 2
        ? `${p}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 254)}`
        : `${p}.${1 + Math.floor(rand() * 254)}`,
    )
  }
  const siteIds = Array.from({length: sites}, (_, i) => `site${i + 1}`)
  const visitors = visitorCount ?? Math.max(1000, Math.floor(events / 20))
  const t0 = Math.floor(Date.parse(start) / 1000)
  const span = days * 86400
  const fd = openSync(path, 'w')
  const lateFd = latePath ? openSync(latePath, 'w') : undefined
  const lateRand = rng(seed + 1)
  let bytes = 0
  let written = 0
  let late = 0
  let buf = PROBE_COLUMNS.join(',') + '\n'
  let lateBuf = buf
  let n = 0
  while (written < events) {
    // one session
    const v = returning && rand() < returning.share ? Math.floor(rand() * returning.count) : visitorOffset + Math.floor(rand() * visitors)
    const site = siteIds[v % sites]
    const visitor = `v${v.toString(36)}`
    const ip = ips[v % ips.length]
    const ua = uas[v % uas.length]
    const ref = refs[Math.floor(rand() * refs.length)]
    const member = rand() < 0.016 ? `m${v}` : ''
    const visitCount = 1 + Math.floor(rand() * rand() * 6)
    let ts = t0 + Math.floor(rand() * span)
    const len = 2 + Math.floor(rand() * 14)
    for (let k = 0; k < len && written < events; k++) {
      const type = k === 0 ? 'pageview' : TYPES[Math.floor(rand() * TYPES.length)]
      const pi = Math.floor(rand() * PAGES.length)
      const prod = PRODUCTS[Math.floor(rand() * PRODUCTS.length)]
      const url = `https://${site}.example.cn${PAGES[pi]}${pi === 1 ? '/' + prod : ''}${rand() < 0.1 ? '?utm_source=baidu&utm_medium=cpc&utm_campaign=' + prod : ''}`
      const title = `${TITLES[pi]} - ${prod} - 佳能`
      const isClick = type === 'click'
      const line = [
        `e${seed.toString(36)}-${(n++).toString(36)}`,
        fmtTs(ts),
        site,
        visitor,
        type,
        url,
        title,
        k === 0 ? csvField(ref) : '',
        ip,
        csvField(ua),
        isClick ? String(Math.floor(rand() * 1400)) : '',
        isClick ? String(Math.floor(rand() * 3000)) : '',
        isClick ? ['#chat-btn', 'a.buy', '.price-table td', '#tel-link', 'nav a'][Math.floor(rand() * 5)] : '',
        member,
        String(visitCount),
        '',
        '',
        '',
        k === 0 ? csvField(`{"sw":${[1920, 1366, 390, 414][v % 4]},"lang":"zh-CN"}`) : '',
      ].join(',')
      if (lateFd !== undefined && lateRand() < lateShare) {
        lateBuf += line + '\n'
        late++
      } else buf += line + '\n'
      written++
      ts += type === 'heartbeat' ? 15 : 5 + Math.floor(rand() * 120)
    }
    if (buf.length > 1 << 20) {
      bytes += writeSync(fd, buf)
      buf = ''
    }
    if (lateBuf.length > 1 << 20) {
      bytes += writeSync(lateFd, lateBuf)
      lateBuf = ''
    }
  }
  bytes += writeSync(fd, buf)
  if (lateFd !== undefined) bytes += writeSync(lateFd, lateBuf)
  for (const f of lateFd === undefined ? [fd] : [fd, lateFd]) {
    // on disk before anything is timed: the OS writing back 1.4 GB of dirty pages would slow whatever runs next
    if (sync) fsyncSync(f)
    closeSync(f)
  }
  return {events: written, bytes, late}
}

/**
 * writeBigProbeCsv in a child process, for benchmarks: generating leaves GBs of garbage strings in the generating
 * process, and V8 collecting them on its background threads would take the cores from whatever is timed next.
 */
export function writeBigProbeCsvApart(options) {
  const script = `import {writeBigProbeCsv} from ${JSON.stringify(import.meta.url)}; console.log(JSON.stringify(writeBigProbeCsv(${JSON.stringify(options)})))`
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], {encoding: 'utf8'}))
}
