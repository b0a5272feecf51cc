import {describe, expect, it} from 'vitest'
import {detectBot, parseUserAgent} from '../../src/enrich/ua.js'

describe('parseUserAgent', () => {
  it.each([
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      'Chrome',
      'Windows',
      'desktop',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15',
      'Safari',
      'Mac OS',
      'desktop',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
      'Mobile Safari',
      'iOS',
      'mobile',
    ],
    [
      'Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 Mobile/15E148 Safari/604.1',
      'Mobile Safari',
      'iOS',
      'tablet',
    ],
    [
      'Mozilla/5.0 (Linux; Android 13; SM-S9080) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.40',
      'WeChat',
      'Android',
      'mobile',
    ],
  ])('%s', (ua, browser, os, deviceType) => {
    expect(parseUserAgent(ua)).toMatchObject({browser, os, deviceType, isBot: false})
  })

  it.each([
    ['Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)', 'Baiduspider'],
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'Googlebot'],
    ['Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', 'bingbot'],
    ['Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)', 'Sogou Spider'],
    [
      'Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/50.0.2661.102 Safari/537.36; 360Spider',
      '360Spider',
    ],
    [
      'Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/69.0.3497.81 YisouSpider/5.0 Safari/537.36',
      'YisouSpider',
    ],
    [
      'Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)',
      'Bytespider',
    ],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36', 'HeadlessChrome'],
    ['curl/8.4.0', 'curl'],
    ['python-requests/2.31.0', 'python-requests'],
    ['SomeNewCrawler/1.0 (+https://example.org)', 'SomeNewCrawler'],
  ])('bot: %s', (ua, name) => {
    expect(parseUserAgent(ua)).toMatchObject({deviceType: 'bot', isBot: true, botName: name})
  })

  it('empty user agent is other, not a bot', () => {
    expect(parseUserAgent('')).toMatchObject({deviceType: 'other', isBot: false, browser: null})
    expect(detectBot('Mozilla/5.0 (Windows NT 10.0) Chrome/120')).toBeNull()
  })

  it.each([
    // a phone whose brand ends in "bot" is a phone
    [
      'Mozilla/5.0 (Linux; Android 9; CUBOT_X19 Build/PPR1.180610.011) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/96.0.4664.92 Mobile Safari/537.36',
      'Cubot',
      null,
    ],
    [
      'Mozilla/5.0 (Linux; Android 10; ELS-AN00 Build/HUAWEIELS-AN00; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/78.0.3904.62 XWEB/2691 MMWEBSDK/200801 Mobile Safari/537.36 MMWEBID/1234 MicroMessenger/7.0.19.1760(0x27001335) Process/toolsmp WeChat/arm64 NetType/WIFI Language/zh_CN ABI/arm64',
      'Huawei',
      'WeChat',
    ],
    [
      'Mozilla/5.0 (Linux; Android 12; ANY-AN00 Build/HONORANY-AN00; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/99.0.4844.88 Mobile Safari/537.36',
      'Honor',
      null,
    ],
    [
      'Mozilla/5.0 (Linux; Android 10; V2001A Build/QP1A.190711.020; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/77.0.3865.120 MQQBrowser/6.2 TBS/045811 Mobile Safari/537.36 V1_AND_SQ_8.8.38_2266_YYB_D A_8083800 QQ/8.8.38.6390 NetType/WIFI WebP/0.3.0 Pixel/1080',
      'vivo',
      'QQ',
    ],
    [
      'Mozilla/5.0 (Linux; Android 10; PCAM00 Build/QKQ1.190918.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/76.0.3809.89 Mobile Safari/537.36 T7/12.5 SP-engine/2.24.0 baiduboxapp/12.5.1.10 (Baidu; P1 10)',
      'OPPO',
      'Baidu App',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 14_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Weibo (iPhone12,1__weibo__11.2.1__iphone__os14.4)',
      'Apple',
      'Weibo',
    ],
    [
      'Mozilla/5.0 (Linux; Android 11; M2012K11AC Build/RKQ1.200826.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/75.0.3770.156 Mobile Safari/537.36 aweme_150400 JsSdk/1.0 NetType/WIFI Channel/xiaomi_1128_64 app_version/15.4.0 ByteLocale/zh-CN Region/CN',
      'Xiaomi',
      'Douyin',
    ],
    [
      'Mozilla/5.0 (Linux; Android 10; Redmi K30 Build/QKQ1.190825.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/77.0.3865.92 Mobile Safari/537.36 NewsArticle/8.1.8 JsSdk/2.0 NetType/WIFI (NewsLite 8.1.8 29)',
      'Xiaomi',
      'Toutiao',
    ],
    [
      'Mozilla/5.0 (Linux; U; Android 10; zh-CN; V1938CT Build/QP1A.190711.020) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/69.0.3497.100 UWS/3.22.0.36 Mobile Safari/537.36 AliApp(AP/10.2.0.9000) AlipayClient/10.2.0.9000 Language/zh-Hans Region/CN',
      'vivo',
      'Alipay',
    ],
  ])('device: %s', (ua, brand, app) => {
    expect(parseUserAgent(ua)).toMatchObject({isBot: false, deviceType: 'mobile', brand, app})
  })

  it('a crawler on a phone-shaped user agent is still a crawler; a self-declared spider too', () => {
    expect(
      parseUserAgent(
        'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.201 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      ),
    ).toMatchObject({isBot: true, botName: 'Googlebot'})
    expect(parseUserAgent('Mozilla/5.0 (compatible; NewsFetchSpider/1.2)')).toMatchObject({isBot: true, botName: 'NewsFetchSpider'})
  })
})
