import {describe, expect, it} from 'vitest'
import {loadLibrary} from '../../src/telesales/library.js'
import {ScriptMatcher} from '../../src/telesales/matcher.js'
import {analyzeCall, segmentStages} from '../../src/telesales/segment.js'
import {charGrams, createJiebaTokenizer, normalizeText, substringEditDistance} from '../../src/telesales/text.js'

describe('text helpers', () => {
  it('normalizes width, case and punctuation', () => {
    expect(normalizeText('您好，这里是ＣＡＮＯＮ！  Hello,World')).toBe('您好这里是canon hello world')
  })
  it('makes CJK bigrams and padded Latin trigrams', () => {
    expect([...charGrams('打印机 ok')].sort()).toEqual(['^ok', 'ok$', '印机', '打印'].sort())
  })
  it('substring edit distance counts typos against the best stretch', () => {
    expect(substringEditDistance('abc', 'xxabdxx')).toBe(1)
    expect(substringEditDistance('打印机', '新款打印机很好')).toBe(0)
    expect(substringEditDistance('打印机', '新款打因机')).toBe(1)
  })
})

describe('stage segmentation (Viterbi)', () => {
  it('allows skipped stages, keeps quiet turns in place and resists one out-of-order turn', () => {
    // 4 stages; turn 3 has weak evidence for stage 3 amid stage 1 talk: a back move costs more than it gains.
    const scores = [
      [0.9, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0.8, 0, 0],
      [0, 0, 0, 0.5],
      [0, 0.7, 0, 0],
      [0, 0, 0, 0.9],
    ]
    expect(segmentStages(scores, 4)).toEqual([0, 0, 1, 1, 1, 3])
  })
  it('starts late when the first stage is missing', () => {
    expect(
      segmentStages(
        [
          [0, 0, 0.9],
          [0, 0, 0],
        ],
        3,
      ),
    ).toEqual([2, 2])
  })
})

describe('noisy transcript', async () => {
  const library = loadLibrary()
  const matcher = new ScriptMatcher(library, {tokenizer: await createJiebaTokenizer()})
  const turn = (turnNo: number, speaker: string, text: string) => ({
    turnNo,
    speaker,
    startMs: turnNo * 3000,
    endMs: turnNo * 3000 + 2500,
    text,
  })

  it('finds stages and hits despite typos, fillers and a missing needs stage', () => {
    const turns = [
      turn(1, 'agent', '您好，这里是佳能官房客户服务中心'), // 方→房
      turn(2, 'customer', '喂，你好'),
      turn(3, 'agent', '呃，我姓王，是您的专属产品故问'), // 顾→故
      turn(4, 'agent', '我们新推出的佳能喷墨打印机打印速度快，墨水成本低'),
      turn(5, 'customer', '太贵了吧'),
      turn(6, 'agent', '价格方面您算一下，每张的打印成本比您现在第一半'), // 低→第
      turn(7, 'agent', '那我现在就帮您登记一台，您看寄到哪个地址方便'),
      turn(8, 'customer', '好的'),
      turn(9, 'agent', 'your order has been placed and you will get the order numbr by text'),
    ]
    const a = analyzeCall(turns, matcher)
    expect(a.stages.map((s) => s.stage)).toEqual(['greeting', 'introduction', 'objection', 'closing'])
    expect(a.turnStages).toEqual([
      'greeting',
      'greeting',
      'introduction',
      'introduction',
      'objection',
      'objection',
      'closing',
      'closing',
      'closing',
    ])
    expect(a.hits.map((h) => [h.scriptId, h.turnNo])).toEqual([
      ['greet_company', 1],
      ['intro_self', 3],
      ['intro_printer', 4],
      ['obj_price_value', 6],
      ['close_assumptive', 7],
      ['close_order_confirm', 9],
    ])
    const price = a.hits.find((h) => h.scriptId === 'obj_price_value')!
    expect(price.offsetMs).toBe(18000)
    expect(price.score).toBeGreaterThan(0.8)
    expect(price.score).toBeLessThan(1)
    expect(a.hits.find((h) => h.scriptId === 'close_order_confirm')!.consequence).toBe(true)
  })

  it('out-of-order talk: a clear closing line said early is one excursion, and the call returns to needs', () => {
    const turns = [
      turn(1, 'agent', '您好，这里是佳能官方客户服务中心'),
      turn(2, 'agent', '请问您平时主要是打印文档还是打印照片'),
      turn(3, 'agent', '优惠名额今天就截止了，建议您今天就定下来'),
      turn(4, 'agent', '您每个月大概要打印多少页'),
      turn(5, 'agent', '您的预算大概在什么范围'),
      turn(6, 'agent', '那我现在就帮您登记一台，您看寄到哪个地址方便'),
    ]
    const a = analyzeCall(turns, matcher)
    // An exact closing line (score 1) outweighs skip + back penalties (0.05 + 0.2 + 0.7): it is its own short run,
    // then the needs questions pull the path back instead of leaving the rest of the call in closing.
    expect(a.turnStages).toEqual(['greeting', 'needs', 'closing', 'needs', 'needs', 'closing'])
    expect(a.stages.map((x) => [x.stage, x.firstTurn, x.lastTurn])).toEqual([
      ['greeting', 1, 1],
      ['needs', 2, 2],
      ['closing', 3, 3],
      ['needs', 4, 5],
      ['closing', 6, 6],
    ])
    expect(a.hits.find((h) => h.scriptId === 'close_urgency')).toMatchObject({turnNo: 3, stage: 'closing', turnStage: 'closing'})
  })

  it('matches paraphrases but not unrelated talk', () => {
    expect(matcher.analyze('这个月下单能享受八折优惠，再送一套原装墨盒').hits[0]?.script).toBe(
      library.scripts.find((s) => s.id === 'obj_price_discount')!.index,
    )
    expect(matcher.analyze('今天天气不错，我们去公园散步吧').hits).toEqual([])
    expect(matcher.analyze('').hits).toEqual([])
  })
})

describe('numeric n-gram keys', () => {
  it('match the string n-grams one to one', async () => {
    const {gramKeys} = await import('../../src/telesales/text.js')
    for (const text of ['打印机 ok', '您好这里是canon hello world', '我 a 你好', 'x', '']) {
      expect(gramKeys(normalizeText(text)).size).toBe(charGrams(normalizeText(text)).size)
    }
    // The same gram in two texts gets the same key.
    const a = gramKeys('打印机')
    const b = gramKeys('新打印')
    expect([...a].filter((k) => b.has(k))).toHaveLength(1)
  })
})

describe('bit-parallel edit distance', () => {
  it('equals the dynamic-programming substring distance', async () => {
    const {myersPattern, myersSubstringDistance} = await import('../../src/telesales/text.js')
    const {createRng} = await import('../../src/stats/random.js')
    const rng = createRng(5)
    const alphabet = 'abc打印机您'
    for (let n = 0; n < 2000; n++) {
      const pattern = Array.from({length: 1 + Math.floor(rng() * 31)}, () => alphabet[Math.floor(rng() * alphabet.length)]).join('')
      const text = Array.from({length: Math.floor(rng() * 40)}, () => alphabet[Math.floor(rng() * alphabet.length)]).join('')
      expect(myersSubstringDistance(myersPattern(pattern)!, text)).toBe(substringEditDistance(pattern, text))
    }
    expect(myersPattern('x'.repeat(32))).toBeUndefined()
  })
})
