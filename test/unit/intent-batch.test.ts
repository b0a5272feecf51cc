import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {classifyCombinations} from '../../src/enrich/intent/batch.js'
import {classify, makeClassifier} from '../../src/enrich/intent/classify.js'
import {loadIntents} from '../../src/enrich/intent/file.js'

const ROOT = join(import.meta.dirname, '../..')

describe('classifyCombinations', () => {
  it('gives every (keyword, page) combination the same decision as classify() on it', () => {
    const {file, model} = loadIntents(join(ROOT, 'defaults/intents.json'))
    const queries = readFileSync(join(ROOT, 'fixtures/labelled/queries.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .slice(0, 150)
      .map((l) => (JSON.parse(l) as {text: string}).text)
    // keywords: generated queries plus none; pages whose path or title alone decide, disagree or say nothing
    const terms = ['', ...queries, '佳能维修站']
    const pages = [
      {url: 'https://www.canon.example/', title: '佳能中国'},
      {url: 'https://www.canon.example/support/repair', title: '维修服务'},
      {url: 'https://www.canon.example/store', title: '佳能专卖店查询'},
      {url: 'https://www.canon.example/products/fax', title: ''},
      {url: '', title: '报价单'},
    ]
    const termIdx: number[] = []
    const pageIdx: number[] = []
    terms.forEach((_, t) => pages.forEach((_, p) => (termIdx.push(t), pageIdx.push(p))))
    const batch = classifyCombinations(terms, pages, termIdx, pageIdx, makeClassifier(file, model))
    const fresh = makeClassifier(file, model)
    const expected = termIdx.map((t, k) =>
      classify({term: terms[t] || null, url: pages[pageIdx[k]!]!.url, title: pages[pageIdx[k]!]!.title}, fresh),
    )
    expect(termIdx.map((_, k) => batch.decisions[batch.decisionOf[k]!])).toEqual(expected)
    // the three ways a decision is reached all occur, and decisions are shared
    expect(new Set(expected.map((d) => d.method))).toEqual(new Set(['rule', 'model', 'none']))
    expect(batch.decisions.length).toBeLessThan(termIdx.length / 2)
  })
})
