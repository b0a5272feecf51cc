import {createRequire} from 'node:module'
import {isIP} from 'node:net'

export interface IpGeo {
  ip: string
  country: string | null
  province: string | null
  city: string | null
  isp: string | null
}

/** Bump when the mapping rules change, so the normalize pipeline re-looks-up cached rows. */
export const IP_PARSER_VERSION = 1

interface Ip2RegionInstance {
  search(ip: string): {country: string; province: string; city: string; isp: string} | null
}

let db: Ip2RegionInstance | undefined

/** ip2region reads its data files (~10 MB) into memory: once per process, on first use. */
function database(): Ip2RegionInstance {
  if (!db) {
    const require = createRequire(import.meta.url)
    const IP2Region = (require('ip2region') as {default: new () => Ip2RegionInstance}).default
    db = new IP2Region()
  }
  return db
}

/** ip2region writes "0" or "" for unknown parts, and "内网IP" as the city of private addresses. */
function clean(value: string | undefined): string | null {
  if (value === undefined) return null
  const v = value.trim()
  return v === '' || v === '0' || v === '内网IP' ? null : v
}

/** Strips what log formats wrap around an address: brackets, an IPv4 port, an IPv6 zone, ::ffff: mapping. */
export function cleanIp(raw: string): string {
  let ip = raw.trim()
  const comma = ip.indexOf(',') // X-Forwarded-For: the client is the first address
  if (comma >= 0) ip = ip.slice(0, comma).trim()
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(ip)
  if (bracket) ip = bracket[1]!
  if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(ip)) ip = ip.slice(0, ip.lastIndexOf(':'))
  ip = ip.replace(/%.*$/, '')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  if (mapped) ip = mapped[1]!
  return ip
}

/** Country, province, city and ISP of an IPv4 or IPv6 address, with ip2region's names ("中国", "广东省", "深圳市", "电信"). */
export function lookupIp(ip: string): IpGeo {
  const address = cleanIp(ip)
  const unknown: IpGeo = {ip, country: null, province: null, city: null, isp: null}
  if (isIP(address) === 0) return unknown
  let hit: ReturnType<Ip2RegionInstance['search']>
  try {
    hit = database().search(address)
  } catch {
    return unknown
  }
  if (!hit) return unknown
  const isp = hit.isp?.trim() === '内网IP' ? '内网IP' : clean(hit.isp)
  return {ip, country: clean(hit.country), province: clean(hit.province), city: clean(hit.city), isp}
}
