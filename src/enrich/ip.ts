import {createRequire} from 'node:module'
import {isIP} from 'node:net'

export interface IpGeo {
  ip: string
  country: string | null
  province: string | null
  city: string | null
  isp: string | null
}

export {IP_PARSER_VERSION} from './versions.js'

type Ip2RegionHit = {country: string; province: string; city: string; isp: string}

/** The IPv4 index ip2region keeps in memory (public fields of its Ipv4ToRegion). */
interface Ipv4Index {
  data: Buffer
  firstIndexPtr: number
  totalBlocks: number
  indexBlockLength: number
}

interface Ip2RegionInstance {
  search(ip: string): Ip2RegionHit | null
  ipv4?: Ipv4Index
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

function usableIpv4Index(db: Ip2RegionInstance): Ipv4Index | undefined {
  const v4 = db.ipv4
  return v4 &&
    Buffer.isBuffer(v4.data) &&
    Number.isInteger(v4.firstIndexPtr) &&
    Number.isInteger(v4.totalBlocks) &&
    v4.indexBlockLength === 12
    ? v4
    : undefined
}

const regions = new Map<string, Ip2RegionHit>()

/**
 * ip2region's own IPv4 search (Ipv4ToRegion.searchLong + parseResult) over its in-memory index, minus the debug
 * string it builds on every step of the binary search, which is most of its cost; each region text is split once.
 */
function searchIpv4(v4: Ipv4Index, address: string): Ip2RegionHit | null {
  const parts = address.split('.')
  const ip = 16777216 * parseInt(parts[0]!, 10) + 65536 * parseInt(parts[1]!, 10) + 256 * parseInt(parts[2]!, 10) + parseInt(parts[3]!, 10)
  const {data, firstIndexPtr, indexBlockLength} = v4
  let low = 0
  let high = v4.totalBlocks
  let dataPos = 0
  while (low <= high) {
    const mid = (low + high) >> 1
    const pos = firstIndexPtr + mid * indexBlockLength
    if (ip < data.readUInt32LE(pos)) high = mid - 1
    else if (ip > data.readUInt32LE(pos + 4)) low = mid + 1
    else {
      dataPos = data.readUInt32LE(pos + 8)
      break
    }
  }
  if (dataPos === 0) return null
  const dataLen = (dataPos >> 24) & 0xff
  dataPos &= 0x00ffffff
  const region = data.toString('utf8', dataPos + 4, dataPos + dataLen)
  let hit = regions.get(region)
  if (!hit) {
    // "国家|区域|省份|城市|ISP", "0" for unknown parts
    const f = region.split('|')
    const part = (v: string | undefined) => (v !== '0' ? (v as string) : '')
    hit = {country: part(f[0]), province: part(f[2]), city: part(f[3]), isp: part(f[4])}
    regions.set(region, hit)
  }
  return hit
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
    const db = database()
    const v4 = isIP(address) === 4 ? usableIpv4Index(db) : undefined
    hit = v4 ? searchIpv4(v4, address) : db.search(address)
  } catch {
    return unknown
  }
  if (!hit) return unknown
  const isp = hit.isp?.trim() === '内网IP' ? '内网IP' : clean(hit.isp)
  return {ip, country: clean(hit.country), province: clean(hit.province), city: clean(hit.city), isp}
}
