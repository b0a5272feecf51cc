import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parseLanding, parseReferrer, classifyReferrer} from '../../src/enrich/referrer.js'
import {LIST_SEARCH_ENGINES} from '../../src/enrich/referrer-lists.generated.js'
import {LIST_ENGINE_NAMES} from '../../src/enrich/referrer-table.js'
import {sharedPath} from '../helpers/shared-dir.js'
// @ts-expect-error: a build script in plain JavaScript
import {generate, LIST_DIR, OUTPUT} from '../../scripts/referrer-lists.mjs'

const KEYWORD = 'ccx fax 传真'
const ENCODED = encodeURIComponent(KEYWORD)

/**
 * A search URL of one list entry, from one of its hosts (`{}` as de) and its first parameter: a query parameter, or
 * for a pattern parameter the entry's backlink (its own search-URL template). null: nothing to build it from.
 */
function searchUrl(host: string, params: string[], backlink?: string): string | null {
  const h = host.replace(/^\{\}\./, 'de.').replace(/\.\{\}/, '.de')
  const p = params[0]
  if (p === undefined) return `https://${h}/`
  if (p.startsWith('/')) return backlink ? `https://${h.replace(/\/$/, '')}/${backlink.replace('{k}', ENCODED)}` : null
  return `https://${h}${h.includes('/') ? '' : '/'}?${p}=${ENCODED}`
}

describe('Matomo search-engine list (reference/matomo/SearchEngines.yml)', () => {
  it('every engine: a URL from its first host and first parameter gives the engine and the keyword', () => {
    const engines = new Map<string, (typeof LIST_SEARCH_ENGINES)[number]>()
    for (const e of LIST_SEARCH_ENGINES) if (!engines.has(e.name)) engines.set(e.name, e)
    const failed: string[] = []
    const notBuilt: string[] = []
    for (const [name, e] of engines) {
      const url = searchUrl(e.urls[0]!, e.params, e.backlink)
      if (url === null) {
        notBuilt.push(name)
        continue
      }
      const r = parseReferrer(url)
      const term = e.params.length === 0 ? null : KEYWORD.toLowerCase()
      if (r.medium !== 'search' || r.source !== (LIST_ENGINE_NAMES[name] ?? name) || r.term !== term)
        failed.push(`${name}: ${url} → ${r.medium} ${r.source} ${r.term}`)
    }
    const covered = engines.size - notBuilt.length - failed.length
    console.log(
      `SearchEngines.yml: ${covered}/${engines.size} engines pass (${((100 * covered) / engines.size).toFixed(1)}%); ` +
        `no URL to build (pattern parameter, no backlink): ${notBuilt.join(', ') || 'none'}`,
    )
    expect(failed).toEqual([])
    expect(covered / engines.size).toBeGreaterThanOrEqual(0.95)
  })

  it('every host of every entry, with the entry’s first parameter', () => {
    let hosts = 0
    const failed: string[] = []
    for (const e of LIST_SEARCH_ENGINES) {
      for (const host of e.urls) {
        // package names of Android apps are decided by APP_PACKAGES, not as hosts
        if (host.startsWith('android-app') || host.startsWith('com.')) continue
        const url = searchUrl(host, e.params, e.backlink)
        if (url === null) continue
        hosts++
        const r = parseReferrer(url)
        if (r.medium !== 'search' || r.source !== (LIST_ENGINE_NAMES[e.name] ?? e.name)) failed.push(`${e.name}: ${url} → ${r.source}`)
      }
    }
    console.log(`SearchEngines.yml: ${hosts - failed.length}/${hosts} hosts give their engine; others: ${failed.join('; ')}`)
    // a host listed under two engines goes to the later one (as in Matomo), or to ccx's own entry
    expect((hosts - failed.length) / hosts).toBeGreaterThan(0.98)
  })

  it('the generated table is up to date with the YAML lists', () => {
    const text = generate(readFileSync(join(LIST_DIR, 'SearchEngines.yml'), 'utf8'), readFileSync(join(LIST_DIR, 'Socials.yml'), 'utf8'))
    expect(readFileSync(OUTPUT, 'utf8')).toBe(text)
  })

  const shared = sharedPath('reference')
  it.skipIf(!existsSync(join(shared, 'SearchEngines.yml')))('the repository’s copy is the shared reference list', () => {
    for (const f of ['SearchEngines.yml', 'Socials.yml'])
      expect(readFileSync(join(LIST_DIR, f), 'utf8')).toBe(readFileSync(join(shared, f), 'utf8'))
  })
})

describe('paid clicks', () => {
  it.each([
    ['https://shop.example.cn/?gclid=Cj0KCQiA', 'Google'],
    ['https://shop.example.cn/?msclkid=5f1e2d', 'Bing'],
    ['https://shop.example.cn/p/1?bd_vid=11739123894', 'Baidu'],
    ['https://shop.example.cn/?hmsr=baidu&hmpl=%E6%89%93%E5%8D%B0%E6%9C%BA&hmcu=unit3&hmkw=%E4%BC%A0%E7%9C%9F%E6%9C%BA&hmci=88', 'Baidu'],
    ['https://shop.example.cn/?hmpl=plan1&hmkw=fax', 'Baidu'],
    ['https://shop.example.cn/?utm_source=sogou&utm_medium=cpc&utm_campaign=spring', 'Sogou'],
    ['https://shop.example.cn/?utm_source=360&utm_medium=PPC', '360 Search'],
  ])('%s is paid (%s)', (landing, source) => {
    expect(parseLanding(landing)).toMatchObject({medium: 'paid', source})
  })

  it('Baidu ad tracking gives the keyword and the plan as campaign', () => {
    const c = classifyReferrer('https://www.baidu.com/baidu.php?url=K00000', {
      landingUrl: 'https://shop.example.cn/?hmsr=baidu&hmpl=%E6%89%93%E5%8D%B0%E6%9C%BA&hmkw=%E4%BC%A0%E7%9C%9F%E6%9C%BA',
    })
    expect(c).toMatchObject({medium: 'paid', source: 'Baidu', term: '传真机', campaign: '打印机'})
  })

  it('ad paths and ad hosts of the engines are paid referrers', () => {
    expect(parseReferrer('https://www.baidu.com/baidu.php?url=K0000&wd=%E4%BC%A0%E7%9C%9F')).toMatchObject({
      medium: 'paid',
      source: 'Baidu',
      term: '传真',
    })
    expect(parseReferrer('https://cpro.baidu.com/cpro/ui/uijs.php?u=x')).toMatchObject({medium: 'paid', source: 'Baidu'})
    expect(parseReferrer('https://www.bing.com/aclk?ld=e8x&u=aHR0c')).toMatchObject({medium: 'paid', source: 'Bing'})
    expect(parseReferrer('https://www.googleadservices.com/pagead/aclk?sa=L')).toMatchObject({medium: 'paid', source: 'Google'})
  })

  it('utm_medium organic or a referral campaign is not paid', () => {
    expect(parseLanding('https://shop.example.cn/?utm_source=baidu&utm_medium=organic').medium).toBe('search')
    expect(parseLanding('https://shop.example.cn/?hmsr=weibo&hmmd=social').medium).toBe('social')
  })
})
