import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {classify, makeClassifier} from '../../src/enrich/intent/classify.js'
import {compareMethods} from '../../src/enrich/intent/compare.js'
import {readLabels, scorePredictions, splitRows} from '../../src/enrich/intent/evaluate.js'
import {loadIntents, loadIntentsFile} from '../../src/enrich/intent/file.js'
import {predict, trainModel} from '../../src/enrich/intent/model.js'
import {compileRules, ruleHits, ruleScores} from '../../src/enrich/intent/rules.js'
import {features, tokenize} from '../../src/enrich/intent/tokenize.js'

const ROOT = join(import.meta.dirname, '../..')
const LABELS = join(ROOT, 'fixtures/labelled/queries.ndjson')

describe('tokenize', () => {
  it('segments Chinese with jieba and keeps Latin words', () => {
    expect(tokenize('佳能传真机报价')).toEqual(['佳能', '传真机', '报价'])
    expect(tokenize('Canon ＥＯＳ-5D 维修站')).toEqual(['canon', 'eos', '5d', '维修站'])
  })
  it('adds Han bigrams and Latin trigrams for typos and pinyin', () => {
    const f = features('维修 abcd')
    expect(f).toEqual(expect.arrayContaining(['w:维修', 'b:维修', 't:abc', 't:bcd']))
  })
})

describe('rules', () => {
  const file = loadIntentsFile(join(ROOT, 'defaults/intents.json'))
  const rules = compileRules(file.intents)
  it('scores hits: confidence = best / (total + 0.5)', () => {
    const hits = ruleHits({term: '深圳佳能维修站'}, rules)
    // 维修站 (1.5) and 维修 (1) both point to service_station: 2.5 / 3.0
    expect(ruleScores(hits).confidence).toBeCloseTo(2.5 / 3, 6)
    const mixed = ruleScores(ruleHits({term: '佳能维修价格'}, rules))
    // 维修 (1) service vs 价格 (1.2) price: 1.2 / 2.7
    expect(mixed.best).toBe('price_quote')
    expect(mixed.confidence).toBeCloseTo(1.2 / 2.7, 6)
  })
  it('looks at the landing URL path and the title', () => {
    const hits = ruleHits({term: null, url: 'https://www.canon.example/support/download?id=3', title: null}, rules)
    expect(hits.map((h) => [h.intent, h.field])).toContainEqual(['support', 'url'])
  })
})

describe('naive Bayes model', () => {
  it('computes the posterior of a tiny hand-checked example', () => {
    // features: w:ab / w:cd only (no trigrams in 2-letter words). Priors 2/3, 1/3; P(ab|x)=(1+1)/(2+2), P(ab|y)=(1+1)/(1+2)
    const m = trainModel(
      [
        {text: 'ab', intent: 'x'},
        {text: 'cd', intent: 'x'},
        {text: 'ab', intent: 'y'},
      ],
      {alpha: 1},
    )
    const p = predict(m, 'ab')
    expect(p.intent).toBe('x')
    expect(p.confidence).toBeCloseTo(((2 / 3) * 0.5) / ((2 / 3) * 0.5 + (1 / 3) * (2 / 3)), 3)
    expect(predict(m, 'zz').confidence).toBe(0)
  })
})

describe('classify', () => {
  const {file, model} = loadIntents(join(ROOT, 'defaults/intents.json'))
  const c = makeClassifier(file, model)
  it('classifies the story keywords', () => {
    expect(classify({term: '佳能维修站'}, c)).toMatchObject({intent: 'service_station', method: 'rule'})
    expect(classify({term: '佳能传真机报价'}, c).intent).toBe('price_quote')
    expect(classify({term: '买佳能数码相机'}, c).intent).toBe('purchase')
    expect(classify({term: '佳能专卖店'}, c).intent).toBe('store_locator')
  })
  it('falls back to the model for pinyin, and to unknown for nothing', () => {
    expect(classify({term: 'jianeng weixiuzhan'}, c)).toMatchObject({intent: 'service_station', method: 'model'})
    expect(classify({term: 'jianeng weixiuzhan'}, c, 'rules')).toMatchObject({intent: 'unknown', method: 'none'})
    expect(classify({term: null, title: null}, c)).toEqual({intent: 'unknown', confidence: 0, method: 'none', evidence: ''})
  })
})

describe('evaluation', () => {
  it('precision, recall, F1 and macro-F1 by hand', () => {
    const r = scorePredictions(
      [
        {actual: 'a', predicted: 'a'},
        {actual: 'a', predicted: 'b'},
        {actual: 'b', predicted: 'b'},
        {actual: 'b', predicted: 'unknown'},
        {actual: 'c', predicted: 'c'},
      ],
      ['a', 'b', 'c'],
    )
    expect(r.perIntent.map((m) => [m.precision, m.recall])).toEqual([
      [1, 0.5],
      [0.5, 0.5],
      [1, 1],
    ])
    expect(r.perIntent[0].f1).toBeCloseTo(2 / 3, 9)
    expect(r.macroF1).toBeCloseTo((2 / 3 + 0.5 + 1) / 3, 9)
    expect(r.confusion.b.unknown).toBe(1)
    expect(r.accuracy).toBe(0.6)
  })
  it('splits deterministically and stratified', () => {
    const rows = Array.from({length: 50}, (_, i) => ({text: String(i), intent: i % 5 === 0 ? 'rare' : 'common'}))
    const a = splitRows(rows, 0.2, 7)
    expect(a.test.map((r) => r.text)).toEqual(splitRows(rows, 0.2, 7).test.map((r) => r.text))
    expect(a.test.filter((r) => r.intent === 'rare')).toHaveLength(2)
    expect(a.train.length + a.test.length).toBe(50)
  })
  it('the labelled set is what its seeded generator writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccx-labels-'))
    try {
      execFileSync(
        process.execPath,
        [join(ROOT, 'fixtures/labelled/generate-queries.mjs'), '--seed', '7', '--n', '3000', '--out', join(dir, 'q.ndjson')],
        {stdio: 'ignore'},
      )
      expect(readFileSync(join(dir, 'q.ndjson'), 'utf8')).toBe(readFileSync(LABELS, 'utf8'))
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
  it('on the shipped labelled set, rules + model beat rules alone', () => {
    const rows = readLabels(LABELS)
    expect(rows.length).toBeGreaterThanOrEqual(2000)
    const kinds = new Set(
      readFileSync(LABELS, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).kind),
    )
    expect([...kinds].sort()).toEqual(['ambiguous', 'brandless', 'clean', 'english', 'mixed', 'pinyin', 'typo'])
    const r = compareMethods(rows, loadIntentsFile(join(ROOT, 'defaults/intents.json')), {seed: 42})
    expect(r.testRows).toBeGreaterThanOrEqual(400)
    expect(r.modes['rules+model'].macroF1).toBeGreaterThan(r.modes.rules.macroF1)
    expect(r.modes['rules+model'].macroF1).toBeGreaterThan(0.8)
    expect(r.byKind.reduce((n, k) => n + k.n, 0)).toBe(r.testRows)
    // accuracy is correct / n: recompute the overall figure from the per-kind ones
    const correct = r.byKind.reduce((n, k) => n + k['rules+model'] * k.n, 0)
    expect(correct / r.testRows).toBeCloseTo(r.modes['rules+model'].accuracy, 9)
  })
})
