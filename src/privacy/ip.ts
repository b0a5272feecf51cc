import {isIP} from 'node:net'
import {cleanIp, lookupIp, type IpGeo} from '../enrich/ip.js'

/**
 * IP anonymisation (config `privacy.ip`, docs/serve.md "Security"): what is stored in place of a client's address —
 * in the event log, raw_probe_events, the parse maps and sessions alike.
 * - `keep`: the address as received.
 * - `truncate`: the network, not the host: an IPv4 address keeps its /24, an IPv6 address its /48. Geo comes from the
 *   full address before it is cut: the stored address is the lowest one of its /24 (/48) that ip2region places in the
 *   same country, province, city and ISP, so looking it up later gives the geo of the original (most /24s lie in one
 *   ip2region range, then it is the .0 address). It reveals the /24 and the geo, which are stored anyway.
 */
export type IpMode = 'keep' | 'truncate'

export const IP_MODES: readonly IpMode[] = ['keep', 'truncate']

const sameGeo = (a: IpGeo, b: IpGeo) => a.country === b.country && a.province === b.province && a.city === b.city && a.isp === b.isp

function v4Text(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`
}

function truncateV4(address: string): string {
  const p = address.split('.').map(Number)
  const n = ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0
  const geo = lookupIp(address)
  const base = (n & 0xffffff00) >>> 0
  for (let a = base; a < n; a++) if (sameGeo(lookupIp(v4Text(a)), geo)) return v4Text(a)
  return v4Text(n)
}

/** The eight 16-bit groups of an IPv6 address (no zone, maybe with an IPv4 tail). */
function v6Groups(address: string): number[] {
  let text = address
  const tail: number[] = []
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (v4) {
    const p = v4[1]!.split('.').map(Number)
    tail.push((p[0]! << 8) | p[1]!, (p[2]! << 8) | p[3]!)
    text = text.slice(0, -v4[1]!.length)
    if (!text.endsWith('::')) text = text.slice(0, -1) // `::ffff:` → `::ffff`
  }
  const [head, rest] = text.split('::') as [string, string | undefined]
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)))
  const left = parse(head)
  const right = [...parse(rest ?? ''), ...tail]
  const fill = rest === undefined ? [] : new Array(8 - left.length - right.length).fill(0)
  return [...left, ...fill, ...right]
}

function v6Text(groups: number[]): string {
  // shortest form: the longest run of zero groups becomes ::
  let best = -1
  let bestLen = 1
  for (let i = 0; i < 8;) {
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen) [best, bestLen] = [i, j - i]
    i = j === i ? i + 1 : j
  }
  const hex = groups.map((g) => g.toString(16))
  if (best === -1) return hex.join(':')
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`
}

function truncateV6(address: string): string {
  const groups = v6Groups(address)
  const geo = lookupIp(address)
  // the /48, else the /56, else the /64 network whose first address has the same geo
  for (const bits of [48, 56, 64]) {
    const net = groups.map((g, i) => (i * 16 >= bits ? 0 : i * 16 + 16 <= bits ? g : g & (0xffff << (16 - (bits - i * 16))) & 0xffff))
    const text = v6Text(net)
    if (bits === 64 || sameGeo(lookupIp(text), geo)) return text
  }
  return address
}

/** The stored form of an address under `mode`; text that is not an address is stored as it is under `keep`, else dropped. */
export function anonymizeIp(ip: string, mode: IpMode): string {
  if (mode === 'keep' || ip === '') return ip
  const address = cleanIp(ip)
  const version = isIP(address)
  if (version === 4) return truncateV4(address)
  if (version === 6) return truncateV6(address.toLowerCase())
  return ''
}

/** anonymizeIp with a bounded memo (millions of requests come from far fewer addresses). */
export function ipAnonymizer(mode: IpMode, max = 50_000): (ip: string) => string {
  if (mode === 'keep') return (ip) => ip
  const cache = new Map<string, string>()
  return (ip) => {
    let v = cache.get(ip)
    if (v === undefined) {
      v = anonymizeIp(ip, mode)
      if (cache.size >= max) cache.delete(cache.keys().next().value as string)
      cache.set(ip, v)
    }
    return v
  }
}
