/**
 * Device brands and in-app browsers, for the markets ccx serves first (China) and the phones ua-parser-js 1.x leaves
 * without a vendor. Checked against uap-core's device test cases (../shared/realdata/user-agents/devices.tsv):
 * test/unit/enrich-ua-realdata.test.ts prints the accuracy.
 */

/** ua-parser-js vendor names → the names ccx reports (one spelling per brand). */
export const VENDOR_NAMES: Record<string, string> = {
  huawei: 'Huawei',
  honor: 'Honor',
  xiaomi: 'Xiaomi',
  oppo: 'OPPO',
  vivo: 'vivo',
  oneplus: 'OnePlus',
  realme: 'Realme',
  meizu: 'Meizu',
  samsung: 'Samsung',
  apple: 'Apple',
  lg: 'LG',
  sony: 'Sony',
  sonyericsson: 'Sony Ericsson',
  motorola: 'Motorola',
  lenovo: 'Lenovo',
  zte: 'ZTE',
  nokia: 'Nokia',
  htc: 'HTC',
  google: 'Google',
  microsoft: 'Microsoft',
  blackberry: 'BlackBerry',
  amazon: 'Amazon',
  asus: 'Asus',
  acer: 'Acer',
  alcatel: 'Alcatel',
  tcl: 'TCL',
  hisense: 'Hisense',
  coolpad: 'Coolpad',
  gionee: 'Gionee',
}

/**
 * Brand names as they appear in user agents ("HUAWEI-U8850", "Xiaomi", "SAMSUNG-SGH-T999", "Device/LENOVO-…").
 * The one that appears first wins ("HTC Vivo" is an HTC, "BLU VIVO" a Blu). A name needs a non-letter in front, so
 * "CUBOT" is Cubot and not "bot", and "Spice Mi-355" is Spice.
 */
export const BRAND_NAMES: Array<[string, RegExp]> = [
  ['Honor', /(?<![a-z])honor/i],
  ['Huawei', /(?<![a-z])huawei|harmonyos|hmscore/i],
  ['Xiaomi', /(?<![a-z])(?:xiaomi|redmi)/i],
  ['OPPO', /(?<![a-z])oppo(?![a-z])/i],
  ['vivo', /(?<![a-z])vivo(?![a-z])/i],
  ['OnePlus', /(?<![a-z])oneplus/i],
  ['Realme', /(?<![a-z])realme/i],
  ['Meizu', /(?<![a-z])meizu/i],
  ['Samsung', /(?<![a-z])samsung|(?<![a-z])(?:sm-[a-z]\d|gt-[a-z]\d|sgh-|sch-[a-z]\d|sph-[a-z]\d|shv-e\d)/i],
  ['Lenovo', /(?<![a-z])(?:lenovo|lnv-)/i],
  ['ZTE', /(?<![a-z])zte(?![a-z])/i],
  ['Coolpad', /(?<![a-z])coolpad/i],
  ['Gionee', /(?<![a-z])gionee/i],
  ['Hisense', /(?<![a-z])hisense/i],
  ['TCL', /(?<![a-z])tcl[\s_-]/i],
  ['Haier', /(?<![a-z])haier/i],
  ['Alcatel', /(?<![a-z])alcatel(?!-lucent)|(?<![a-z])one ?touch/i],
  ['Nokia', /(?<![a-z])(?:nokia|lumia)/i],
  ['HTC', /(?<![a-z])htc/i],
  ['LG', /(?<![a-z])lg(?:[-_/\s]|e[\s;/-]|[a-z]{0,2}\d)/i],
  ['Sony Ericsson', /(?<![a-z])sony ?ericsson/i],
  ['Sony', /(?<![a-z])(?:sony|xperia)/i],
  ['Motorola', /(?<![a-z])(?:motorola|moto[\s_-]|mot-)/i],
  ['Pantech', /(?<![a-z])pantech/i],
  ['Amoi', /(?<![a-z])amoi/i],
  ['Bird', /(?<![a-z])bird[\s.-]/i],
  ['Kyocera', /(?<![a-z])(?:kyocera|kwc-)/i],
  ['Philips', /(?<![a-z])philips/i],
  ['Archos', /(?<![a-z])archos/i],
  ['Audiovox', /(?<![a-z])audiovox/i],
  ['Spice', /(?<![a-z])spice/i],
  ['Blu', /(?<![a-z])blu(?![a-z])/i],
  ['Sharp', /(?<![a-z])sharp/i],
  ['Cubot', /(?<![a-z])cubot/i],
  ['Asus', /(?<![a-z])asus/i],
  ['Acer', /(?<![a-z])acer(?![a-z])/i],
  ['Micromax', /(?<![a-z])micromax/i],
  ['Prestigio', /(?<![a-z])prestigio/i],
  ['BlackBerry', /(?<![a-z])(?:blackberry|bb10|rim\d{3})/i],
  ['Apple', /(?<![a-z])(?:iphone|ipad|ipod|macintosh|watchos|appletv)/i],
]

/**
 * Model codes without a brand name, tried on the Android model ("…; R8111 Build/…", "…; V2049A)"), anchored to
 * the whole model: the Chinese makers' code schemes (Huawei "ELS-AN00", Xiaomi "M2012K11AC" and "MI 9", OPPO
 * "PBAM00", vivo "V2049A").
 */
export const MODEL_CODES: Array<[string, RegExp]> = [
  ['Huawei', /^(?:ascend|ideos|u(?:8[5-9]|9[0-5])\d\d|c8[5-9]\d\d|[a-z]{3}-(?:al|tl|an|cl|ul|lx|tn)\d{2}[a-z]?)(?:\s|$)/i],
  ['Xiaomi', /^(?:mi (?:\d|note|max|mix|pad|cc|a\d|play)|mi\d[a-z]?$|mix ?\d|poco|m\d{4}[a-z]\d{1,3}[a-z]{1,3}$|2\d{6}[a-z]{1,3}$)/i],
  ['OPPO', /^(?:find ?\d|p[a-z]{3}\d0$|c[ph]h\d{4}$|x90\d{1,2}$|u70\d{1,2}$|r8(?:0[1-9]|1\d)\d?$)/i],
  ['vivo', /^v\d{4}[a-z]{1,2}$/i],
  ['Realme', /^rmx\d{4}$/i],
  ['OnePlus', /^(?:a[056]\d{3}|ne\d{4}|[a-z]{2}\d{4})$/i],
]

/** The model part of an Android user agent: "Android 10; ELS-AN00 Build/…" or "Android 10; V2049A)". */
export const ANDROID_MODEL = /android[\s/][\d.]+[^;)]*;(?:\s*[a-z]{2}[-_][a-z]{2,3};)?\s*([^;)]+?)(?:\s+build[\s/]|\s*[;)])/i

/** Apps whose built-in browser opened the page: where a Chinese visitor actually was (WeChat, Douyin…). */
export const IN_APP_BROWSERS: Array<[string, RegExp]> = [
  ['WeCom', /wxwork\//i],
  ['WeChat', /micromessenger\//i],
  ['QQ', /(?:^|\s)qq\/\d|\bv1_and_sq_|mobileqq/i],
  ['Baidu App', /baiduboxapp|baiduboxlite|bdbrowser/i],
  ['Weibo', /__weibo__|weibo_?\d|\bweibo\b/i],
  ['Douyin', /aweme|\bdouyin/i],
  ['Toutiao', /newsarticle\/|\btoutiao/i],
  ['Alipay', /alipayclient|alipay/i],
  ['Taobao', /aliapp\(tb\/|\btaobao/i],
  ['DingTalk', /dingtalk/i],
  ['Kuaishou', /kwai|kuaishou/i],
  ['Xiaohongshu', /xhsdiscover|xiaohongshu/i],
  ['Facebook', /fban\/|fbav\//i],
  ['Instagram', /instagram \d/i],
  ['LINE', /\bline\/\d/i],
]
