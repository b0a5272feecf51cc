import {describe, expect, it} from 'vitest'
import {lookupIp} from '../../src/enrich/ip.js'
import {anonymizeIp} from '../../src/privacy/ip.js'
import {protectPropsText} from '../../src/privacy/props.js'
import {Admission} from '../../src/serve/admission.js'
import {OriginPolicy, siteAccessMap, siteOrigins} from '../../src/serve/cors.js'
import {ProxyTrust} from '../../src/vocab/proxy.js'
import {firstInvalidUtf8, jsonPathAt} from '../../src/serve/utf8.js'

describe('ProxyTrust', () => {
  const trust = new ProxyTrust(['10.0.0.0/8', '127.0.0.1', '2001:db8::/32'])

  it('takes the rightmost hop that is not a trusted proxy', () => {
    expect(trust.clientOf('127.0.0.1', '6.6.6.6, 113.116.1.1')).toBe('113.116.1.1')
    expect(trust.clientOf('127.0.0.1', '6.6.6.6, 113.116.1.1, 10.1.2.3')).toBe('113.116.1.1')
    expect(trust.clientOf('::ffff:10.0.0.5', '[2001:db8::9]:443, 58.250.1.9:5123')).toBe('58.250.1.9')
    expect(trust.clientOf('2001:db8::1', '240e:3b0::1')).toBe('240e:3b0::1')
  })

  it('ignores the header from an untrusted peer, and stops at a hop that is not an address', () => {
    expect(trust.clientOf('198.51.100.7', '113.116.1.1')).toBe('198.51.100.7')
    expect(trust.clientOf('127.0.0.1', '113.116.1.1, <script>alert(1)</script>')).toBe('127.0.0.1')
    expect(trust.clientOf('127.0.0.1', '<script>, 10.9.9.9')).toBe('10.9.9.9')
    expect(trust.malformed).toBe(2)
    expect(trust.clientOf('127.0.0.1', undefined)).toBe('127.0.0.1')
  })

  it('gives the same verdicts when asked again, and after more addresses than it remembers', () => {
    const fresh = new ProxyTrust(['10.0.0.0/8', '2001:db8::/32'])
    const asked = ['10.1.2.3', '113.116.1.1', '2001:db8::9', '240e:3b0::1', 'not-an-address']
    const expected = [true, false, true, false, false]
    expect(asked.map((a) => fresh.trusts(a))).toEqual(expected)
    expect(asked.map((a) => fresh.trusts(a))).toEqual(expected)
    for (let i = 0; i < 25_000; i++) fresh.trusts(`${i % 2 ? 10 : 11}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`)
    expect(fresh.trusts('11.0.0.1')).toBe(false)
    expect(fresh.trusts('10.0.0.1')).toBe(true)
    expect(asked.map((a) => fresh.trusts(a))).toEqual(expected)
  })
})

describe('origins', () => {
  it("a site's origins are its allowedOrigins and its domain's, with and without www., http and https", () => {
    expect([...siteOrigins({id: 's', domain: 'https://www.canon-like.cn/', allowedOrigins: ['http://shop.test/']})].sort()).toEqual([
      'http://canon-like.cn',
      'http://shop.test',
      'http://www.canon-like.cn',
      'https://canon-like.cn',
      'https://www.canon-like.cn',
    ])
  })

  it('allows a request from an origin of its own site only', () => {
    const sites = siteAccessMap([
      {id: 'a', domain: 'a.example'},
      {id: 'b', domain: 'b.example'},
    ])
    const policy = new OriginPolicy(sites, false)
    expect(policy.preflight('https://b.example')).toBe(true)
    expect(policy.preflight('https://c.example')).toBe(false)
    expect(policy.allows(sites.get('a'), 'https://b.example')).toBe(false)
    expect(policy.allows(sites.get('a'), 'https://a.example')).toBe(true)
    expect(policy.allows(sites.get('a'), undefined)).toBe(true)
    expect(new OriginPolicy(sites, true).allows(sites.get('a'), 'http://localhost:5173')).toBe(true)
  })
})

describe('admission', () => {
  it('admits up to the in-flight limit, refuses over the memory limit, and asks caches to shed once per episode', () => {
    let memory = 0
    let sheds = 0
    const a = new Admission({maxInFlight: 2, maxMemoryBytes: 100, memory: () => memory, onHigh: () => sheds++})
    expect([a.enter(), a.enter(), a.enter()]).toEqual([null, null, 'in_flight'])
    a.leave()
    expect(a.enter()).toBe(null)
    a.leave()
    a.leave()
    memory = 200
    a.sample()
    a.sample()
    expect([a.enter(), sheds]).toEqual(['memory', 1])
    memory = 50
    a.sample()
    expect(a.enter()).toBe(null)
    a.stop()
  })
})

describe('invalid UTF-8, located', () => {
  it('names the value that holds the first bad byte', () => {
    const body = Buffer.from('{"site":"s","events":[{"type":"click","title":"ok"},{"type":"pageview","url":"/x","title":"aXb"}]}')
    const at = body.indexOf('aXb') + 1
    body[at] = 0xe4 // the lead byte of a 3-byte sequence, then "b"
    expect(at).toBe(92)
    expect(firstInvalidUtf8(body)).toBe(92)
    expect(jsonPathAt(body, firstInvalidUtf8(body))).toBe('events[1].title')
    expect(firstInvalidUtf8(Buffer.from('佳能 \uFFFD 😀'))).toBe(-1)
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0) // a UTF-16 surrogate, encoded: not UTF-8
  })
})

describe('contacts in props', () => {
  it('masks and hashes phone, email and WeChat keys at any depth, leaves the rest, and is idempotent', () => {
    const text = JSON.stringify({form: {手机号: '139 8765 4321', 邮箱: 'Wang@Example.cn'}, wx: 'wang_xiaoming', channel: 'chat'})
    const once = protectPropsText(text)
    expect(once.contacts.map((c) => [c.kind, c.normalized])).toEqual([
      ['phone', '13987654321'],
      ['email', 'wang@example.cn'],
      ['wechat', 'wang_xiaoming'],
    ])
    expect(JSON.parse(once.text)).toMatchObject({
      form: {手机号: '139****4321', 邮箱: 'w***@example.cn'},
      wx: 'wa***g',
      channel: 'chat',
    })
    expect(protectPropsText(once.text)).toEqual({text: once.text, contacts: []})
    expect(protectPropsText('{"telemetry":"on","phase":2}').contacts).toEqual([])
    expect(protectPropsText('not json with phone 13800000000').contacts).toEqual([])
  })
})

describe('IP truncation', () => {
  it('keeps the /24 (/48) at an address of the same geo', () => {
    // 113.116.1.1 is Shenzhen telecom in ip2region, as is the whole 113.116.1.0/24
    expect(anonymizeIp('113.116.1.1', 'truncate')).toBe('113.116.1.0')
    expect(anonymizeIp('::ffff:58.250.1.9', 'truncate')).toBe('58.250.1.0')
    expect(anonymizeIp('240e:3b0:1234:5678::1', 'truncate')).toBe('240e:3b0:1234::')
    expect(anonymizeIp('not an address', 'truncate')).toBe('')
    expect(anonymizeIp('113.116.1.1', 'keep')).toBe('113.116.1.1')
  })

  it('on addresses whose /24 spans several ip2region ranges, the geo of the original survives', () => {
    // every 7th address of a few /24s: where ranges split a /24 the stored address moves up to its own range
    for (const prefix of ['1.0.1', '36.110.1', '61.135.169', '8.8.8', '223.5.5']) {
      for (let host = 1; host < 255; host += 7) {
        const ip = `${prefix}.${host}`
        const stored = anonymizeIp(ip, 'truncate')
        const [a, b] = [lookupIp(ip), lookupIp(stored)]
        expect([ip, b.country, b.province, b.city, b.isp]).toEqual([ip, a.country, a.province, a.city, a.isp])
        expect(stored.split('.').slice(0, 3).join('.')).toBe(prefix)
        expect(Number(stored.split('.')[3])).toBeLessThanOrEqual(host)
      }
    }
  })
})
