/**
 * ccx's own additions to the search-engine and social-network lists. The bulk comes from Matomo's lists (CC0,
 * reference/matomo/, generated into referrer-lists.generated.ts by scripts/referrer-lists.mjs); what is here is
 * matched first: Chinese engines and their mobile hosts the list lacks or names differently (Baidu's `wd/word/kw` with
 * GB2312, its link redirects and ad paths; Sogou's mobile `keyword`; WeChat search; Toutiao search; Douyin search by
 * path), ad hosts, and Chinese social networks and webmail. Hosts match themselves and their subdomains (the closest
 * wins); `{}` stands for a country code, as in the list. docs/metrics.md "Traffic sources" has the matching rules.
 */

export interface SearchEngine {
  name: string
  /** Hosts, with an optional path prefix (`m.toutiao.com/search`); `{}` = a country code. */
  urls: string[]
  /** Keyword parameters in order; `/…/` is a regular expression on the whole URL whose group 1 is the keyword. */
  params: string[]
  /** Charsets the engine used besides UTF-8 (the first one decodes bytes that are not valid UTF-8). */
  charsets?: string[]
  /** Paths (`/…/` regular expressions on path?query#fragment, or exact) where the engine hides the keyword. */
  hidden?: string[]
  /** Paths that mark a paid click (Baidu's baidu.php, Google's /aclk). */
  paidPaths?: RegExp
  /** Every referrer from these hosts is a paid click (ad servers). */
  paid?: boolean
}

const ROOT_HIDDEN = ['/^$/', '/']

export const SEARCH_ENGINES: SearchEngine[] = [
  {
    name: 'Baidu',
    urls: [
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
      'www.baidu.co.th',
    ],
    params: ['wd', 'word', 'kw'],
    charsets: ['gb2312'],
    // /link?url=…: the redirect Baidu puts in front of every result since 2013, keyword removed
    hidden: [...ROOT_HIDDEN, '/^\\/link\\?.*/', '/^\\/baidu\\.php\\?.*/', '/^\\/from=[^/]*\\/?$/'],
    paidPaths: /^\/(?:baidu\.php|cpro\.php)/,
  },
  {
    name: 'Baidu',
    urls: ['cpro.baidu.com', 'pos.baidu.com', 'e.baidu.com'],
    params: ['wd', 'word'],
    charsets: ['gb2312'],
    paid: true,
    hidden: ['/.*/'],
  },
  {
    name: 'Sogou',
    urls: ['sogou.com', 'www.sogou.com', 'm.sogou.com', 'wap.sogou.com'],
    params: ['query', 'keyword'],
    charsets: ['gb2312'],
    hidden: [...ROOT_HIDDEN, '/^\\/link\\?.*/', '/^\\/web\\/searchList\\.jsp$/'],
  },
  {
    name: 'WeChat Search',
    urls: ['weixin.sogou.com', 'search.weixin.qq.com'],
    params: ['query', 'keyword'],
    hidden: [...ROOT_HIDDEN, '/^\\/link\\?.*/'],
  },
  {
    name: '360 Search',
    urls: ['so.com', 'www.so.com', 'm.so.com', 'so.360.cn', 'sou.com', 'www.sou.com', 'haosou.com', 'www.haosou.com', 'm.haosou.com'],
    params: ['q'],
    charsets: ['gb2312'],
    hidden: [...ROOT_HIDDEN, '/^\\/link\\?.*/'],
  },
  {name: '360 Search', urls: ['e.so.com', 'e.360.cn'], params: ['q'], paid: true, hidden: ['/.*/']},
  {name: 'Shenma', urls: ['sm.cn', 'm.sm.cn', 'yz.m.sm.cn', 'so.m.sm.cn'], params: ['q'], hidden: ROOT_HIDDEN},
  {
    name: 'Toutiao',
    urls: ['so.toutiao.com', 'm.toutiao.com/search', 'www.toutiao.com/search', 'so.m.toutiao.com'],
    params: ['keyword'],
    hidden: ROOT_HIDDEN,
  },
  {
    name: 'Douyin Search',
    urls: ['www.douyin.com/search', 'douyin.com/search'],
    params: ['/douyin\\.com\\/search\\/([^/?#]+)/'],
    hidden: ['/.*/'],
  },
  {name: 'Youdao', urls: ['so.youdao.com', 'm.youdao.com/search'], params: ['q'], hidden: ROOT_HIDDEN},
  {name: 'Chinaso', urls: ['chinaso.com', 'www.chinaso.com', 'm.chinaso.com'], params: ['q', 'wd'], hidden: ROOT_HIDDEN},
  {
    name: 'Bing',
    urls: ['cc.bingj.com', 'cn.bing.com', 'www.bing.com', 'bing.com'],
    params: ['q', 'Q'],
    hidden: [...ROOT_HIDDEN, '/^\\/search(\\?.*)?$/', '/^\\/ck\\/a\\?.*/'],
    paidPaths: /^\/aclk/,
  },
  {
    name: 'Google',
    urls: ['googleadservices.com', 'www.googleadservices.com', 'googlesyndication.com', 'tpc.googlesyndication.com', 'ad.doubleclick.net'],
    params: ['q'],
    paid: true,
    hidden: ['/.*/'],
  },
]

export interface NamedHosts {
  name: string
  /** Hosts (and subdomains); `{}` = a country code. */
  hosts: string[]
}

/** Names of the list's engines as ccx reports them (one name per engine across the list and ccx's additions). */
export const LIST_ENGINE_NAMES: Record<string, string> = {
  '360search': '360 Search',
  Haosou: '360 Search',
  'sm.cn': 'Shenma',
  Mailru: 'Mail.ru',
}

/** Names of the list's social networks as ccx reports them. */
export const LIST_SOCIAL_NAMES: Record<string, string> = {
  Twitter: 'X',
  bilibili: 'Bilibili',
  reddit: 'Reddit',
  Vkontakte: 'VKontakte',
  tumblr: 'Tumblr',
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
  {name: 'Pinterest', hosts: ['pinterest.com', 'pinterest.{}', 'pin.it']},
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
