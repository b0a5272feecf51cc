import {BlockList, isIP} from 'node:net'

/**
 * The client's address behind proxies (docs/serve.md, "Security"). Only hops listed as trusted proxies are believed:
 * X-Forwarded-For is read from the right (each proxy appends the address it received the request from), skipping
 * trusted proxies; the first address that is not one is the client. Everything left of it was written by that client
 * and is ignored, so a forged header neither picks another rate-limit bucket nor stores text as an address.
 */

/** Used when `trustProxy` is on and no list is given: loopback and private networks (a load balancer beside ccx). */
export const PRIVATE_NETWORKS = ['127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '::1/128', 'fc00::/7']

/** An address or CIDR block, or a message saying what is wrong with it. */
export function parseProxyEntry(entry: string): {address: string; prefix?: number; family: 'ipv4' | 'ipv6'} | string {
  const [address, bits, extra] = entry.trim().split('/')
  const version = isIP(address ?? '')
  if (version === 0 || extra !== undefined) return `${JSON.stringify(entry)} is not an IP address or CIDR block (e.g. 10.0.0.0/8)`
  const family = version === 4 ? 'ipv4' : 'ipv6'
  if (bits === undefined) return {address: address!, family}
  const prefix = Number(bits)
  if (!/^\d{1,3}$/.test(bits) || prefix > (version === 4 ? 32 : 128)) return `${JSON.stringify(entry)}: bad prefix length /${bits}`
  return {address: address!, prefix, family}
}

/** `::ffff:1.2.3.4` → `1.2.3.4` (node reports IPv4 clients of a dual-stack socket that way). */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}

/** One hop of X-Forwarded-For as an address: brackets and an IPv4 port are dropped; null when it is not an address. */
function hopAddress(raw: string): string | null {
  let hop = raw.trim()
  if (hop.startsWith('[')) {
    const end = hop.indexOf(']')
    if (end === -1) return null
    hop = hop.slice(1, end)
  } else if (hop.indexOf(':') !== -1 && hop.indexOf(':') === hop.lastIndexOf(':') && hop.indexOf('.') !== -1) {
    hop = hop.slice(0, hop.indexOf(':')) // 1.2.3.4:5678
  }
  return isIP(hop) === 0 ? null : plainAddress(hop)
}

/** Addresses whose verdict is remembered; past it the memory starts over (a flood of new addresses costs what it did). */
const VERDICTS_MAX = 10_000

export class ProxyTrust {
  private readonly list = new BlockList()
  // BlockList.check builds a SocketAddress per call: two per proxied request were 6% of serve's CPU in bench:serve's
  // profile. The proxies' own addresses and returning visitors' ask again and again.
  private readonly verdicts = new Map<string, boolean>()
  /** Hops that were not addresses (counted by the caller in /metrics). */
  malformed = 0

  /** Throws with the entry at fault when one is not an address or block. */
  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const parsed = parseProxyEntry(entry)
      if (typeof parsed === 'string') throw new Error(`serve.trustedProxies: ${parsed}`)
      if (parsed.prefix === undefined) this.list.addAddress(parsed.address, parsed.family)
      else this.list.addSubnet(parsed.address, parsed.prefix, parsed.family)
    }
  }

  trusts(address: string): boolean {
    let verdict = this.verdicts.get(address)
    if (verdict === undefined) {
      const version = isIP(address)
      verdict = version !== 0 && this.list.check(address, version === 4 ? 'ipv4' : 'ipv6')
      if (this.verdicts.size >= VERDICTS_MAX) this.verdicts.clear()
      this.verdicts.set(address, verdict)
    }
    return verdict
  }

  /**
   * The client of a request that reached us from `peer` with this X-Forwarded-For. A hop that is not an address stops
   * the walk: the client is then the trusted proxy that passed it on (the last address we can vouch for).
   */
  clientOf(peer: string, forwardedFor: string | string[] | undefined): string {
    let client = plainAddress(peer)
    if (forwardedFor === undefined || !this.trusts(client)) return client
    const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor
    let end = header.length
    while (end > 0) {
      const start = header.lastIndexOf(',', end - 1)
      const hop = hopAddress(header.slice(start + 1, end))
      if (hop === null) {
        this.malformed++
        return client
      }
      client = hop
      if (!this.trusts(hop)) return hop
      end = start === -1 ? 0 : start
    }
    return client
  }
}
