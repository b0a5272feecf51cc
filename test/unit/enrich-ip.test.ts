import {describe, expect, it} from 'vitest'
import {cleanIp, lookupIp} from '../../src/enrich/ip.js'

describe('lookupIp (ip2region)', () => {
  it('IPv4 → country, province, city, ISP with ip2region names', () => {
    expect(lookupIp('120.24.78.68')).toEqual({ip: '120.24.78.68', country: '中国', province: '广东省', city: '深圳市', isp: '阿里云'})
    expect(lookupIp('222.240.1.1')).toMatchObject({country: '中国', province: '湖南省', city: '长沙市', isp: '电信'})
  })
  it('IPv6', () => {
    expect(lookupIp('240e:47d:c20:1627:30a3:ba0d:a5e6:ec19')).toMatchObject({country: '中国', province: '广东省'})
  })
  it('unknown parts are null ("0", "", 内网IP city)', () => {
    expect(lookupIp('8.8.8.8')).toMatchObject({country: '美国', province: null, city: null})
    expect(lookupIp('10.1.2.3')).toMatchObject({country: null, province: null, city: null})
    expect(lookupIp('not-an-ip')).toEqual({ip: 'not-an-ip', country: null, province: null, city: null, isp: null})
  })
  it('cleans what logs wrap around addresses', () => {
    expect(cleanIp('120.24.78.68:443')).toBe('120.24.78.68')
    expect(cleanIp('120.24.78.68, 10.0.0.1')).toBe('120.24.78.68')
    expect(cleanIp('::ffff:120.24.78.68')).toBe('120.24.78.68')
    expect(cleanIp('[240e:47d::1]:8080')).toBe('240e:47d::1')
    expect(lookupIp('::ffff:120.24.78.68')).toMatchObject({ip: '::ffff:120.24.78.68', city: '深圳市'})
  })
})
