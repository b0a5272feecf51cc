/**
 * Search engines, social networks and webmail hosts, written from the facts in Matomo's (CC0)
 * SearchEngines.yml and Socials.yml, plus Chinese hosts those lists lack (Toutiao search, Zhihu,
 * Xiaohongshu, Kuaishou…). A host entry matches itself and every subdomain; the longest match wins.
 * `tld` entries match `name.<any country TLD>` (google.com.hk, yandex.ru) with an optional www./m. prefix.
 */

export interface SearchEngine {
  name: string
  hosts: string[]
  tld?: string[]
  /** Query parameters that carry the keyword, in order of preference. */
  params: string[]
  /** Legacy charset the engine used before UTF-8; undecodable UTF-8 falls back to GB18030 anyway. */
  charset?: 'gb2312'
  /** Paths that mark a paid click (Baidu's baidu.php, Google's /aclk). */
  paidPaths?: RegExp
  /** Hosts match only themselves: Baidu runs many non-search subdomains (pan, baike, map…). */
  exactHosts?: boolean
}

export const SEARCH_ENGINES: SearchEngine[] = [
  {
    name: 'Baidu',
    hosts: [
      'baidu.com',
      'www.baidu.com',
      'www1.baidu.com',
      'm.baidu.com',
      'wap.baidu.com',
      'zhidao.baidu.com',
      'tieba.baidu.com',
      'news.baidu.com',
      'image.baidu.com',
      'xueshu.baidu.com',
      'baidu.co.th',
    ],
    params: ['wd', 'word', 'kw'],
    charset: 'gb2312',
    paidPaths: /^\/(baidu\.php|cpro\.php)/,
    exactHosts: true,
  },
  {name: 'Sogou', hosts: ['sogou.com'], params: ['query', 'keyword'], charset: 'gb2312'},
  {name: 'WeChat Search', hosts: ['weixin.sogou.com', 'search.weixin.qq.com'], params: ['query', 'keyword']},
  {name: '360 Search', hosts: ['so.com', 'so.360.cn', 'sou.com', 'haosou.com'], params: ['q'], charset: 'gb2312'},
  {name: 'Shenma', hosts: ['sm.cn'], params: ['q']},
  {name: 'Toutiao', hosts: ['so.toutiao.com', 'm.toutiao.com/search', 'www.toutiao.com/search'], params: ['keyword']},
  {name: 'Youdao', hosts: ['so.youdao.com'], params: ['q']},
  {name: 'Chinaso', hosts: ['chinaso.com'], params: ['q', 'wd']},
  {name: 'Soso', hosts: ['soso.com'], params: ['w'], charset: 'gb2312'},
  {name: 'Bing', hosts: ['bing.com', 'cc.bingj.com'], params: ['q', 'Q']},
  {name: 'Google', hosts: ['encrypted.google.com', 'googleadservices.com'], tld: ['google'], params: ['q'], paidPaths: /^\/(aclk|pagead)/},
  {name: 'Yahoo!', hosts: ['search.yahoo.com', 'search.yahoo.co.jp', 'cade.yahoo.com', 'one.cn.yahoo.com'], params: ['p', 'q']},
  {name: 'Yandex', hosts: ['ya.ru'], tld: ['yandex'], params: ['text']},
  {name: 'DuckDuckGo', hosts: ['duckduckgo.com'], params: ['q']},
  {name: 'Naver', hosts: ['search.naver.com'], params: ['query']},
  {name: 'Daum', hosts: ['search.daum.net'], params: ['q']},
  {name: 'Ecosia', hosts: ['ecosia.org'], params: ['q']},
  {name: 'Qwant', hosts: ['qwant.com'], params: ['q']},
  {name: 'Seznam', hosts: ['search.seznam.cz'], params: ['q']},
  {name: 'StartPage', hosts: ['startpage.com'], params: ['query', 'q']},
  {name: 'Ask', hosts: ['ask.com'], params: ['q']},
]

export interface NamedHosts {
  name: string
  hosts: string[]
  tld?: string[]
}

export const SOCIAL_NETWORKS: NamedHosts[] = [
  {name: 'Weibo', hosts: ['weibo.com', 'weibo.cn', 't.cn']},
  {name: 'WeChat', hosts: ['weixin.qq.com', 'wechat.com', 'servicewechat.com']},
  {name: 'QQ', hosts: ['qzone.qq.com', 'im.qq.com']},
  {name: 'Douyin', hosts: ['douyin.com', 'iesdouyin.com']},
  {name: 'Kuaishou', hosts: ['kuaishou.com', 'gifshow.com']},
  {name: 'Zhihu', hosts: ['zhihu.com']},
  {name: 'Xiaohongshu', hosts: ['xiaohongshu.com', 'xhslink.com']},
  {name: 'Bilibili', hosts: ['bilibili.com', 'b23.tv']},
  {name: 'Douban', hosts: ['douban.com']},
  {name: 'Toutiao', hosts: ['toutiao.com']},
  {name: 'Facebook', hosts: ['facebook.com', 'fb.me', 'fb.com']},
  {name: 'X', hosts: ['twitter.com', 't.co', 'x.com']},
  {name: 'Instagram', hosts: ['instagram.com']},
  {name: 'LinkedIn', hosts: ['linkedin.com', 'lnkd.in']},
  {name: 'YouTube', hosts: ['youtube.com', 'youtu.be']},
  {name: 'TikTok', hosts: ['tiktok.com']},
  {name: 'Reddit', hosts: ['reddit.com']},
  {name: 'Pinterest', hosts: [], tld: ['pinterest']},
  {name: 'VKontakte', hosts: ['vk.com', 'vkontakte.ru']},
  {name: 'Telegram', hosts: ['t.me', 'web.telegram.org']},
  {name: 'Threads', hosts: ['threads.net', 'threads.com']},
]

export const WEBMAIL: NamedHosts[] = [
  {name: 'QQ Mail', hosts: ['mail.qq.com', 'exmail.qq.com']},
  {name: 'NetEase Mail', hosts: ['mail.163.com', 'mail.126.com', 'mail.yeah.net']},
  {name: 'Sina Mail', hosts: ['mail.sina.com.cn']},
  {name: 'Aliyun Mail', hosts: ['mail.aliyun.com', 'qiye.aliyun.com']},
  {name: 'Gmail', hosts: ['mail.google.com']},
  {name: 'Outlook', hosts: ['outlook.live.com', 'outlook.office.com', 'outlook.office365.com', 'mail.live.com']},
  {name: 'Yahoo! Mail', hosts: ['mail.yahoo.com']},
]

/** Android apps that send `android-app://<package>/` referrers. */
export const APP_PACKAGES: Record<string, {medium: 'search' | 'social' | 'email'; name: string}> = {
  'com.google.android.googlequicksearchbox': {medium: 'search', name: 'Google'},
  'com.google.android.gm': {medium: 'email', name: 'Gmail'},
  'com.baidu.searchbox': {medium: 'search', name: 'Baidu'},
  'com.sogou.activity.src': {medium: 'search', name: 'Sogou'},
  'com.ucmobile': {medium: 'search', name: 'Shenma'},
  'com.tencent.mm': {medium: 'social', name: 'WeChat'},
  'com.sina.weibo': {medium: 'social', name: 'Weibo'},
  'com.ss.android.ugc.aweme': {medium: 'social', name: 'Douyin'},
  'com.ss.android.article.news': {medium: 'social', name: 'Toutiao'},
  'com.zhihu.android': {medium: 'social', name: 'Zhihu'},
  'com.xingin.xhs': {medium: 'social', name: 'Xiaohongshu'},
  'tv.danmaku.bili': {medium: 'social', name: 'Bilibili'},
  'com.facebook.katana': {medium: 'social', name: 'Facebook'},
  'com.twitter.android': {medium: 'social', name: 'X'},
  'com.linkedin.android': {medium: 'social', name: 'LinkedIn'},
  'com.reddit.frontpage': {medium: 'social', name: 'Reddit'},
  'org.telegram.messenger': {medium: 'social', name: 'Telegram'},
}

/** Landing-page click ids that mean a paid click, and the network they belong to. */
export const PAID_CLICK_IDS: Record<string, string> = {
  gclid: 'Google',
  gbraid: 'Google',
  wbraid: 'Google',
  dclid: 'Google',
  msclkid: 'Bing',
  bd_vid: 'Baidu',
  qhclickid: '360 Search',
  gdt_vid: 'Tencent Ads',
  qz_gdt: 'Tencent Ads',
}

/** utm_medium values (lower case) → our medium. Anything else is kept as referrer-derived. */
export const UTM_MEDIUM: Record<string, 'search' | 'social' | 'email' | 'paid' | 'referral' | 'direct'> = {
  cpc: 'paid',
  ppc: 'paid',
  paid: 'paid',
  paidsearch: 'paid',
  'paid-search': 'paid',
  paid_search: 'paid',
  sem: 'paid',
  cpm: 'paid',
  cpv: 'paid',
  cpa: 'paid',
  display: 'paid',
  banner: 'paid',
  ads: 'paid',
  paid_social: 'paid',
  paidsocial: 'paid',
  'paid-social': 'paid',
  email: 'email',
  'e-mail': 'email',
  e_mail: 'email',
  edm: 'email',
  newsletter: 'email',
  mail: 'email',
  social: 'social',
  'social-network': 'social',
  'social-media': 'social',
  social_media: 'social',
  sns: 'social',
  organic: 'search',
  seo: 'search',
  referral: 'referral',
  referrer: 'referral',
  link: 'referral',
  none: 'direct',
  '(none)': 'direct',
  direct: 'direct',
}
