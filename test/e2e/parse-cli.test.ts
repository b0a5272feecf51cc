import {describe, expect, it} from 'vitest'
import {ccx} from '../helpers/cli.js'

describe('ccx parse referrer | ip | ua', () => {
  it('parse referrer --json prints {url, medium, source, term} per URL, GB2312 decoded', async () => {
    const baidu = 'https://www.baidu.com/s?wd=%BC%D1%C4%DC%CE%AC%D0%DE%D5%BE'
    const hidden = 'https://www.baidu.com/link?url=abc&wd=&eqid=1'
    const r = await ccx(['parse', 'referrer', baidu, hidden, 'https://weibo.com/u/1', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json()).toEqual([
      {url: baidu, medium: 'search', source: 'Baidu', term: '佳能维修站', termRaw: '佳能维修站', campaign: null},
      {url: hidden, medium: 'search', source: 'Baidu', term: null, termRaw: null, campaign: null},
      {url: 'https://weibo.com/u/1', medium: 'social', source: 'Weibo', term: null, termRaw: null, campaign: null},
    ])
  })

  it('parse referrer --landing: utm on the landing URL wins; same host is internal', async () => {
    const r = await ccx([
      'parse',
      'referrer',
      'https://www.google.com/',
      'https://shop.example.cn/a',
      '--landing',
      'https://shop.example.cn/?utm_source=baidu&utm_medium=cpc&utm_campaign=spring',
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json().map((x: any) => [x.medium, x.source, x.campaign])).toEqual([
      ['paid', 'Baidu', 'spring'],
      ['paid', 'Baidu', 'spring'],
    ])
    const internal = await ccx(['parse', 'referrer', 'https://shop.example.cn/a', '--landing', 'https://shop.example.cn/b', '--json'])
    expect(internal.json()[0]).toMatchObject({medium: 'internal'})
  })

  it('parse ip --json', async () => {
    const r = await ccx(['parse', 'ip', '120.24.78.68', '10.0.0.1', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json()).toEqual([
      {ip: '120.24.78.68', country: '中国', province: '广东省', city: '深圳市', isp: '阿里云'},
      {ip: '10.0.0.1', country: null, province: null, city: null, isp: '内网IP'},
    ])
  })

  it('parse ua --json flags crawlers', async () => {
    const r = await ccx(['parse', 'ua', 'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json()[0]).toMatchObject({deviceType: 'bot', isBot: true, botName: 'Baiduspider'})
  })
})
