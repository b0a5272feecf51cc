import {describe, expect, it} from 'vitest'
import {classifyReferrer, decodeParam, foldTerm, isInternal, parseLanding, parseReferrer} from '../../src/enrich/referrer.js'

// Real-world referrer shapes of each engine; keywords percent-encoded as the engine sends them.
const SEARCH: Array<[string, string, string | null]> = [
  // Baidu: wd (www), word (mobile), kw (tieba); GB2312 and UTF-8 escapes
  ['https://www.baidu.com/s?wd=%BC%D1%C4%DC%CE%AC%D0%DE%D5%BE', 'Baidu', '佳能维修站'],
  ['https://www.baidu.com/s?ie=utf-8&f=8&rsv_bp=1&wd=%E4%BD%B3%E8%83%BD%E7%BB%B4%E4%BF%AE%E7%AB%99&rsv_sug3=6', 'Baidu', '佳能维修站'],
  ['http://www.baidu.com/s?ie=gbk&wd=%BC%D1%C4%DC', 'Baidu', '佳能'],
  ['https://m.baidu.com/s?from=1086k&word=%E4%BD%B3%E8%83%BD%E6%89%93%E5%8D%B0%E6%9C%BA', 'Baidu', '佳能打印机'],
  ['https://wap.baidu.com/s?word=canon', 'Baidu', 'canon'],
  ['https://zhidao.baidu.com/search?word=%E4%BD%B3%E8%83%BD&ie=utf-8', 'Baidu', '佳能'],
  ['https://tieba.baidu.com/f?kw=%E4%BD%B3%E8%83%BD&ie=utf-8', 'Baidu', '佳能'],
  ['https://www.baidu.com/link?url=Xv3kQeWc_9yM&wd=&eqid=c6b0d5f2000a1b2c', 'Baidu', null],
  ['https://www.baidu.com/', 'Baidu', null],
  // Sogou: query (GBK), mobile keyword
  ['https://www.sogou.com/web?query=%C2%F2%BC%D1%C4%DC%CA%FD%C2%EB%CF%E0%BB%FA&ie=utf8', 'Sogou', '买佳能数码相机'],
  ['https://m.sogou.com/web/searchList.jsp?keyword=%E4%BD%B3%E8%83%BD%E7%9B%B8%E6%9C%BA', 'Sogou', '佳能相机'],
  ['https://wap.sogou.com/web/sl?keyword=canon+eos', 'Sogou', 'canon eos'],
  ['https://www.sogou.com/link?url=hedJjaC291P3yGwc', 'Sogou', null],
  // 360, Shenma, Bing China, Toutiao, WeChat search
  ['https://www.so.com/s?ie=utf-8&q=%E4%BD%B3%E8%83%BD%E4%BC%A0%E7%9C%9F%E6%9C%BA', '360 Search', '佳能传真机'],
  ['https://m.so.com/s?q=%E4%BD%B3%E8%83%BD&src=home', '360 Search', '佳能'],
  ['https://m.sm.cn/s?q=%E4%BD%B3%E8%83%BD%E4%B8%93%E5%8D%96%E5%BA%97&from=smor', 'Shenma', '佳能专卖店'],
  ['https://yz.m.sm.cn/s?q=canon', 'Shenma', 'canon'],
  ['https://cn.bing.com/search?q=%E4%BD%B3%E8%83%BD&form=QBLH', 'Bing', '佳能'],
  ['https://www.bing.com/search?q=Canon+Repair', 'Bing', 'canon repair'],
  ['https://so.toutiao.com/search?keyword=%E4%BD%B3%E8%83%BD%E7%BB%B4%E4%BF%AE&pd=synthesis', 'Toutiao', '佳能维修'],
  ['https://weixin.sogou.com/weixin?type=2&query=%E4%BD%B3%E8%83%BD', 'WeChat Search', '佳能'],
  // the world's engines
  ['https://www.google.com/search?q=%E4%BD%B3%E8%83%BD%E4%BC%A0%E7%9C%9F%E6%9C%BA%E6%8A%A5%E4%BB%B7&hl=zh-CN', 'Google', '佳能传真机报价'],
  ['https://www.google.com.hk/search?q=canon+fax', 'Google', 'canon fax'],
  ['https://www.google.co.jp/', 'Google', null],
  ['https://www.google.com/url?sa=t&q=https://shop.example.cn/&url=https://shop.example.cn/', 'Google', null],
  ['android-app://com.google.android.googlequicksearchbox/', 'Google', null],
  ['https://search.yahoo.com/search?p=canon+printer', 'Yahoo!', 'canon printer'],
  ['https://yandex.ru/search/?text=canon&lr=213', 'Yandex', 'canon'],
  ['https://duckduckgo.com/?q=canon+ink', 'DuckDuckGo', 'canon ink'],
  ['https://duckduckgo.com/', 'DuckDuckGo', null],
  ['https://search.naver.com/search.naver?where=nexearch&query=%EC%BA%90%EB%85%BC', 'Naver', '캐논'],
  ['https://www.ecosia.org/search?q=canon', 'Ecosia', 'canon'],
]

describe('parseReferrer: search engines', () => {
  it.each(SEARCH)('%s → %s / %s', (url, source, term) => {
    const r = parseReferrer(url)
    expect(r.medium).toBe('search')
    expect(r.source).toBe(source)
    expect(r.term).toBe(term)
  })

  it('keeps the decoded original and folds the grouping term (trim, spaces, full-width, case)', () => {
    const r = parseReferrer('https://www.baidu.com/s?wd=++%EF%BC%A3%EF%BD%81%EF%BD%8E%EF%BD%8F%EF%BD%8E%20%20%E4%BD%B3%E8%83%BD+')
    expect(r.termRaw).toBe('Ｃａｎｏｎ 佳能')
    expect(r.term).toBe('canon 佳能')
    expect(foldTerm('  CANON   Eos ')).toBe('canon eos')
  })

  it('marks Baidu and Google ad clicks as paid', () => {
    expect(parseReferrer('https://www.baidu.com/baidu.php?url=a000000K&wd=%E4%BD%B3%E8%83%BD')).toMatchObject({
      medium: 'paid',
      source: 'Baidu',
      term: '佳能',
    })
    expect(parseReferrer('https://www.googleadservices.com/pagead/aclk?sa=L&ai=x')).toMatchObject({medium: 'paid', source: 'Google'})
  })
})

describe('parseReferrer: social, email, referral, direct', () => {
  it.each([
    ['https://weibo.com/u/123456', 'social', 'Weibo'],
    ['https://m.weibo.cn/status/1', 'social', 'Weibo'],
    ['https://mp.weixin.qq.com/s/AbCd', 'social', 'WeChat'],
    ['https://www.douyin.com/video/1', 'social', 'Douyin'],
    ['https://www.zhihu.com/question/123', 'social', 'Zhihu'],
    ['https://zhuanlan.zhihu.com/p/1', 'social', 'Zhihu'],
    ['https://www.xiaohongshu.com/explore/1', 'social', 'Xiaohongshu'],
    ['http://xhslink.com/a/b', 'social', 'Xiaohongshu'],
    ['https://www.bilibili.com/video/BV1', 'social', 'Bilibili'],
    ['https://www.toutiao.com/article/1/', 'social', 'Toutiao'],
    ['https://l.facebook.com/l.php?u=x', 'social', 'Facebook'],
    ['https://t.co/abc', 'social', 'X'],
    ['https://x.com/someone', 'social', 'X'],
    ['https://www.linkedin.com/feed/', 'social', 'LinkedIn'],
    ['android-app://com.tencent.mm/', 'social', 'WeChat'],
    ['https://mail.qq.com/cgi-bin/readmail', 'email', 'QQ Mail'],
    ['https://mail.163.com/js6/main.jsp', 'email', 'NetEase Mail'],
    ['https://mail.google.com/mail/u/0/', 'email', 'Gmail'],
    ['https://www.example.org/blog/post', 'referral', 'example.org'],
    ['https://docs.google.com/document/d/1', 'referral', 'docs.google.com'],
    ['https://pan.baidu.com/s/1', 'referral', 'pan.baidu.com'],
  ])('%s → %s / %s', (url, medium, source) => {
    expect(parseReferrer(url)).toMatchObject({medium, source, term: null})
  })

  it('no referrer, or something that is not a URL, is direct', () => {
    for (const r of [null, undefined, '', '   ', 'not a url']) expect(parseReferrer(r).medium).toBe('direct')
  })
})

describe('decodeParam', () => {
  it('decodes GB2312 escapes that are not valid UTF-8 with GB18030', () => {
    expect(decodeParam('%BC%D1%C4%DC%CE%AC%D0%DE%D5%BE')).toBe('佳能维修站')
  })
  it('decodes UTF-8 escapes, + as space, and keeps malformed escapes', () => {
    expect(decodeParam('%E4%BD%B3%E8%83%BD+EOS')).toBe('佳能 EOS')
    expect(decodeParam('100%+sure%2')).toBe('100% sure%2')
  })
  it('obeys ie=gbk even when the bytes happen to be valid UTF-8', () => {
    // C4 E3 = 你 in GBK; C4 E3 is not valid UTF-8 anyway, D6 D0 = 中
    expect(decodeParam('%C4%E3%BA%C3', 'gbk')).toBe('你好')
    expect(decodeParam('%D6%D0', 'gb2312')).toBe('中')
  })
})

describe('classifyReferrer: landing URL and own domain', () => {
  const baidu = 'https://www.baidu.com/s?wd=%E4%BD%B3%E8%83%BD'
  it('utm parameters win over the referrer', () => {
    const c = classifyReferrer(baidu, {
      landingUrl:
        'https://shop.example.cn/?utm_source=baidu&utm_medium=cpc&utm_campaign=spring&utm_term=%E4%BD%B3%E8%83%BD%E7%9B%B8%E6%9C%BA',
    })
    expect(c).toMatchObject({medium: 'paid', source: 'Baidu', term: '佳能相机', campaign: 'spring'})
  })
  it('paid click ids make the visit paid, with the network as source', () => {
    expect(classifyReferrer(baidu, {landingUrl: 'https://shop.example.cn/p?bd_vid=1173912389'})).toMatchObject({
      medium: 'paid',
      source: 'Baidu',
      term: '佳能',
    })
    expect(classifyReferrer('https://www.google.com/', {landingUrl: 'https://shop.example.cn/?gclid=Cj0KCQ'})).toMatchObject({
      medium: 'paid',
      source: 'Google',
      term: null,
    })
  })
  it('email campaign without referrer', () => {
    expect(
      classifyReferrer('', {landingUrl: 'https://shop.example.cn/?utm_source=newsletter&utm_medium=email&utm_campaign=nov'}),
    ).toMatchObject({
      medium: 'email',
      source: 'newsletter',
      campaign: 'nov',
    })
  })
  it('unknown utm_medium keeps an external referrer’s medium, else is referral', () => {
    expect(classifyReferrer(baidu, {landingUrl: 'https://shop.example.cn/?utm_campaign=x&utm_medium=qr'})).toMatchObject({
      medium: 'search',
      source: 'Baidu',
      campaign: 'x',
    })
    expect(classifyReferrer(null, {landingUrl: 'https://shop.example.cn/?utm_source=poster&utm_medium=qr'})).toMatchObject({
      medium: 'referral',
      source: 'poster',
    })
  })
  it('a referrer on the landing host or a site domain is internal', () => {
    expect(classifyReferrer('https://shop.example.cn/list', {landingUrl: 'https://www.shop.example.cn/item'})).toMatchObject({
      medium: 'internal',
      term: null,
    })
    expect(classifyReferrer('https://m.example.cn/', {landingUrl: 'https://shop.example.cn/', siteDomains: ['example.cn']}).medium).toBe(
      'internal',
    )
    expect(isInternal('www.other.cn', 'shop.example.cn', ['example.cn'])).toBe(false)
  })
  it('no referrer and no campaign is direct', () => {
    expect(classifyReferrer(null, {landingUrl: 'https://shop.example.cn/'})).toMatchObject({medium: 'direct', source: null, term: null})
  })
  it('parseLanding ignores URLs without campaign markers', () => {
    expect(parseLanding('https://shop.example.cn/a?id=3')).toMatchObject({
      medium: null,
      source: null,
      campaign: null,
      host: 'shop.example.cn',
    })
  })
})
