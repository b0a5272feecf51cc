import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parseUserAgent} from '../../src/enrich/ua.js'
import {realData} from '../helpers/realdata.js'

// uap-core's device test cases (16,129 real user agents, Apache-2.0), in the shared folder beside the repository.
// a test on real data must not pass by skipping: realData throws when the set is missing
const FILE = join(realData('user-agents'), 'devices.tsv')

interface Row {
  ua: string
  family: string
  brand: string
}

function rows(): Row[] {
  return readFileSync(FILE, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => {
      const [ua = '', family = '', brand = ''] = l.split('\t')
      return {ua, family, brand}
    })
}

const norm = (b: string | null) => (b ?? '').toLowerCase().replace(/[^a-z]/g, '')

describe('user agents of real devices (../shared/realdata/user-agents/devices.tsv)', () => {
  const data = rows()
  const parsed = data.map((r) => ({...r, info: parseUserAgent(r.ua)}))

  it('flags no phone, tablet, TV or feature phone as a bot, and recognises the crawlers', () => {
    const crawlers = parsed.filter((r) => r.family === 'Spider')
    const recognised = crawlers.filter((r) => r.info.isBot).length
    // rows uap-core does not file under Spider: a device family, or "Other" (no device known)
    const flagged = parsed.filter((r) => r.family !== 'Spider' && r.info.isBot)
    const devices = flagged.filter((r) => r.family !== 'Other' && !/spider|crawler|bot\b/i.test(r.ua))
    console.log(
      `devices.tsv: ${data.length} user agents; crawlers recognised ${recognised}/${crawlers.length} ` +
        `(${((100 * recognised) / crawlers.length).toFixed(1)}%); non-Spider rows flagged: ${flagged.length} ` +
        `(${flagged.map((r) => `${r.family}: ${r.ua.slice(0, 60)}`).join('; ')})`,
    )
    expect(data.length).toBeGreaterThan(16_000)
    expect(devices).toEqual([])
    // what remains flagged names itself a crawler or shows no device at all
    for (const r of flagged) expect(r.family === 'Other' || /spider|crawler|bot\b/i.test(r.ua)).toBe(true)
    expect(recognised / crawlers.length).toBeGreaterThan(0.9)
  })

  it('names the device brand; Huawei, Xiaomi, OPPO and vivo with few false hits', () => {
    const branded = parsed.filter((r) => r.family !== 'Spider' && r.brand !== '')
    const exact = branded.filter((r) => norm(r.info.brand) === norm(r.brand)).length
    const lines: string[] = [`brand exact on ${branded.length} branded rows: ${((100 * exact) / branded.length).toFixed(1)}%`]
    for (const brand of ['huawei', 'xiaomi', 'oppo', 'vivo']) {
      const actual = branded.filter((r) => norm(r.brand) === brand)
      const predicted = branded.filter((r) => norm(r.info.brand) === brand)
      const hit = actual.filter((r) => norm(r.info.brand) === brand).length
      const recall = hit / actual.length
      const precision = hit / predicted.length
      lines.push(`${brand}: recall ${hit}/${actual.length}, precision ${hit}/${predicted.length}`)
      expect(recall).toBeGreaterThan(0.65)
      expect(precision).toBeGreaterThan(0.75)
    }
    console.log(lines.join('; '))
    expect(exact / branded.length).toBeGreaterThan(0.7)
  })
})
