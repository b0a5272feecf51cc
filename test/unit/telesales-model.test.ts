import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {parseLibrary} from '../../src/telesales/library.js'
import {PreparedTexts, ScriptDetector, splitSentences} from '../../src/telesales/model/detect.js'
import {checkTargets, macro, prf, splitCalls} from '../../src/telesales/model/eval.js'
import {DEFAULT_FEATURES, Featurizer} from '../../src/telesales/model/features.js'
import {decodeFloat32, decodeInt32, loadScriptModel} from '../../src/telesales/model/format.js'
import {groupCalls, parseSpeakerMap, readLabelledUtterances} from '../../src/telesales/model/labels.js'
import {fitLogistic, sigmoid} from '../../src/telesales/model/logreg.js'
import {ModelScorer} from '../../src/telesales/model/scorer.js'
import {calibrateThreshold, callRows, DEFAULT_TRAIN, firstOfTurnFlags, trainScriptModel} from '../../src/telesales/model/train.js'
import {tempDir} from '../helpers/cli.js'

const dir = tempDir('ccx-script-model-')
afterAll(() => dir.cleanup())

describe('logistic regression (L-BFGS)', () => {
  it('reaches the stationary point of the penalised weighted log-loss (gradient computed here independently)', () => {
    // 4 rows × 3 columns, labels and example weights chosen by hand.
    const rows = [
      [
        [0, 1.0],
        [1, 0.5],
      ],
      [[1, 1.0]],
      [
        [0, 0.3],
        [2, 1.0],
      ],
      [
        [2, 0.7],
        [1, 0.2],
      ],
    ] as Array<Array<[number, number]>>
    const y = Uint8Array.from([1, 0, 1, 0])
    const c = Float64Array.from([1, 2, 1, 0.5])
    const start = new Int32Array(5)
    const index: number[] = []
    const value: number[] = []
    rows.forEach((r, i) => {
      for (const [j, v] of r) {
        index.push(j)
        value.push(v)
      }
      start[i + 1] = index.length
    })
    const C = 2
    const fit = fitLogistic({rows: 4, columns: 3, start, index: Int32Array.from(index), value: Float32Array.from(value)}, y, c, {
      C,
      tolerance: 1e-10,
      maxIterations: 500,
    })
    // ∂/∂w_j = Σ_i c_i (σ(z_i) − y_i) x_ij + w_j / C ; ∂/∂b = Σ_i c_i (σ(z_i) − y_i)
    const grad = [0, 0, 0]
    let gb = 0
    rows.forEach((r, i) => {
      const z = fit.bias + r.reduce((s, [j, v]) => s + v * fit.weights[j], 0)
      const e = c[i] * (sigmoid(z) - y[i])
      for (const [j, v] of r) grad[j] += e * v
      gb += e
    })
    for (let j = 0; j < 3; j++) expect(Math.abs(grad[j] + fit.weights[j] / C)).toBeLessThan(1e-6)
    expect(Math.abs(gb)).toBeLessThan(1e-6)
    // The rows labelled 1 score above those labelled 0.
    expect(fit.weights[0]).toBeGreaterThan(0)
    expect(fit.weights[1]).toBeLessThan(0)
  })
})

describe('threshold calibration', () => {
  // Calls by best score: 0.9 T, 0.8 T, 0.7 F, 0.6 T, 0.5 F → cumulative precision 1, 1, 2/3, 3/4, 3/5.
  const scores = [0.5, 0.9, 0.6, 0.8, 0.7]
  const gold = [false, true, true, true, false]
  it('takes the lowest threshold reaching the target precision', () => {
    expect(calibrateThreshold(scores, gold, 0.7)).toEqual({threshold: 0.6, precision: 0.75, recall: 1, reached: true})
  })
  it('with the rate cap, never fires on more calls than are labelled (3 here)', () => {
    expect(calibrateThreshold(scores, gold, 0.7, true)).toEqual({threshold: 0.8, precision: 1, recall: 2 / 3, reached: true})
  })
  it('falls back to the best F1 when the target is out of reach', () => {
    // target 1.01 is never reached; F1 at 0.6 = 2·0.75·1/1.75 = 0.857 is the best.
    const r = calibrateThreshold(scores, gold, 1.01)
    expect(r.reached).toBe(false)
    expect(r.threshold).toBe(0.6)
  })
})

describe('evaluation arithmetic', () => {
  it('precision, recall, F1 and the macro average (a script never predicted counts precision 0)', () => {
    expect(prf(3, 1, 2)).toEqual({tp: 3, fp: 1, fn: 2, precision: 0.75, recall: 0.6, f1: (2 * 0.75 * 0.6) / 1.35})
    const m = macro([prf(3, 1, 2), prf(0, 0, 4), prf(0, 2, 0)])
    // Only scripts with gold support: (0.75 + 0) / 2, (0.6 + 0) / 2; the third has no gold and is left out.
    expect(m.scripts).toBe(2)
    expect(m.precision).toBeCloseTo(0.375, 12)
    expect(m.recall).toBeCloseTo(0.3, 12)
  })
  it('splits calls by seed, keeping every call whole and the split reproducible', () => {
    const calls = Array.from({length: 20}, (_, i) => `c${i}`)
    const a = splitCalls(calls, 0.3, 5)
    expect(a.test.size).toBe(6)
    expect(a.train.size).toBe(14)
    expect([...a.test].filter((c) => a.train.has(c))).toEqual([])
    expect(splitCalls(calls, 0.3, 5)).toEqual(a)
    expect(splitCalls(calls, 0.3, 6).test).not.toEqual(a.test)
  })
  it('target check flags missing and over-firing scripts', () => {
    const base = {scriptId: 'x', detector: 'model' as const, threshold: 0.5, sentence: {...prf(1, 0, 0), support: 1}}
    const t = checkTargets(
      [
        {...base, scriptId: 'a', call: {...prf(5, 1, 1), goldCalls: 6, firedCalls: 6, goldRate: 0.3, fireRate: 0.3}},
        {...base, scriptId: 'b', call: {...prf(0, 0, 3), goldCalls: 3, firedCalls: 0, goldRate: 0.15, fireRate: 0}},
        {...base, scriptId: 'c', call: {...prf(5, 9, 0), goldCalls: 5, firedCalls: 14, goldRate: 0.25, fireRate: 0.7}},
      ],
      {scripts: 3, precision: 0.8, recall: 0.7, f1: 0.7},
    )
    expect(t.allDetected.missing).toEqual(['b'])
    expect(t.overFiring.scripts.map((s) => s.scriptId)).toEqual(['c'])
    expect(t.macroRecall.ok && t.macroPrecision.ok).toBe(true)
    expect(t.ok).toBe(false)
  })
})

describe('sentences and features', () => {
  it('splits turns into sentences at end marks, not inside numbers', () => {
    expect(splitSentences('Hi there. It costs $0.50 a day! Would you help?')).toEqual([
      'Hi there.',
      'It costs $0.50 a day!',
      'Would you help?',
    ])
    expect(splitSentences('您好。请问您现在方便吗？好的')).toEqual(['您好。', '请问您现在方便吗？', '好的'])
    expect(splitSentences('no end mark')).toEqual(['no end mark'])
  })
  it('hashes the same text to the same features, unit norm, context in its own namespace', () => {
    const f = new Featurizer({...DEFAULT_FEATURES, bits: 18})
    const a = f.text('Would you like to donate?')
    const b = f.text('would you like to DONATE ?')
    expect([...a.own.index]).toEqual([...b.own.index])
    expect(a.own.value * a.own.value * a.own.index.length).toBeCloseTo(1, 12)
    expect(a.asPrev.value * a.asPrev.value * a.asPrev.index.length).toBeCloseTo(DEFAULT_FEATURES.context ** 2, 12)
    const own = new Set(a.own.index)
    expect([...a.asPrev.index].filter((i) => own.has(i)).length).toBeLessThanOrEqual(1)
  })
})

const LIB = parseLibrary(
  JSON.stringify({
    stages: [
      {
        id: 'ask',
        scripts: [
          {id: 'price', phrasings: ['it is only ten dollars a month']},
          {id: 'warranty', phrasings: ['you get a three year warranty']},
          {id: 'rare', phrasings: ['we also deliver on sundays']},
        ],
      },
    ],
  }),
  'test-lib.json',
).library!

function labelledCsv(): string {
  const lines = ['call_id,turn,role,sentence,label_1,label_2']
  const prices = [
    'It costs just ten dollars a month.',
    'Only 10 dollars monthly.',
    'The price is ten dollars per month.',
    'Ten dollars a month is all it costs.',
  ]
  const warranties = ['There is a three year warranty.', 'You are covered by our warranty for three years.', 'Warranty: three full years.']
  const other = ['Hello, how are you?', 'Thanks for your time.', 'Let me check that for you.', 'Okay.']
  for (let c = 0; c < 24; c++) {
    let turn = 0
    lines.push(`call${c},${turn},seller,${other[c % 4]},,`)
    lines.push(`call${c},${turn++},buyer,Hi.,,`)
    if (c % 2 === 0) lines.push(`call${c},${turn},seller,${prices[c % 4]},price,`)
    if (c % 3 === 0) lines.push(`call${c},${turn},seller,"${warranties[c % 3]}",warranty,`)
    if (c % 6 === 0) lines.push(`call${c},${turn},seller,Ten dollars with a three year warranty.,price,warranty`)
    lines.push(`call${c},${turn},buyer,What does it cost?,,`)
    lines.push(`call${c},${turn + 1},seller,${other[(c + 1) % 4]},,`)
  }
  return lines.join('\n') + '\n'
}

describe('labelled utterances', () => {
  it('reads label_N columns, maps speakers, keeps call order, names lines of bad rows', () => {
    const path = join(dir.path, 'labelled.csv')
    writeFileSync(path, labelledCsv())
    const data = readLabelledUtterances(path, parseSpeakerMap('seller=agent,buyer=customer'))
    expect(data.calls.length).toBe(24)
    expect(data.speakers).toEqual({agent: expect.any(Number), customer: 48})
    const both = data.utterances.find((u) => u.labels.length === 2)!
    expect(both.labels).toEqual(['price', 'warranty'])
    expect(both.line).toBeGreaterThan(1)
    const grouped = groupCalls(data.utterances)
    expect(grouped.get('call0')!.map((u) => u.turn)).toEqual([0, 0, 1, 1, 1, 1, 2])
    expect(firstOfTurnFlags(grouped.get('call0')!)).toEqual([true, true, true, false, false, true, true])

    const nd = join(dir.path, 'labelled.ndjson')
    writeFileSync(nd, '{"text":"Ten dollars a month","labels":["price"]}\n{"text":"ok","label":"a|b"}\n')
    expect(readLabelledUtterances(nd).utterances.map((u) => u.labels)).toEqual([['price'], ['a', 'b']])
    const bad = join(dir.path, 'bad.csv')
    writeFileSync(bad, 'call_id,turn,text,label\nx,1,hello,a\nx,one,hi,b\n')
    expect(() => readLabelledUtterances(bad)).toThrow(`${bad}:3: turn "one" is not a number`)
    expect(() => parseSpeakerMap('seller=boss')).toThrow('is not NAME=agent or NAME=customer')
  })

  it('trains a model whose scorer reproduces the training features, learns frequent scripts and leaves rare ones to phrasings', () => {
    const path = join(dir.path, 'labelled.csv')
    writeFileSync(path, labelledCsv())
    const data = readLabelledUtterances(path, parseSpeakerMap('seller=agent,buyer=customer'))
    const options = {...DEFAULT_TRAIN, features: {...DEFAULT_FEATURES, bits: 16}, folds: 3}
    const {model} = trainScriptModel({file: path, utterances: data.utterances}, LIB, options)
    expect(model.scripts.map((s) => [s.id, s.detector])).toEqual([
      ['price', 'model'],
      ['warranty', 'model'],
      ['rare', 'phrasings'],
    ])
    const file = join(dir.path, 'model.json')
    writeFileSync(file, JSON.stringify(model))
    const loaded = loadScriptModel(file)
    // The scorer's sum of per-text parts equals the training row's dot product with the weights.
    const scorer = new ModelScorer(loaded)
    const call = groupCalls(data.utterances).get('call0')!
    const rows = callRows(new Featurizer(loaded.features), call)
    const prepared = new Float32Array(call.length * scorer.stride)
    call.forEach((u, i) => scorer.prepareInto(u.text, prepared, i * scorer.stride))
    const probs = new Float64Array(call.length * scorer.K)
    scorer.scoreSequence(
      prepared,
      call.map((_, i) => i * scorer.stride),
      firstOfTurnFlags(call),
      probs,
    )
    const weight = new Map<number, number>()
    const buckets = decodeInt32(loaded.weights.buckets)
    const values = decodeFloat32(loaded.weights.values)
    buckets.forEach((b, r) => weight.set(b, values[r * scorer.K]))
    rows.forEach((row, i) => {
      let z = scorer.bias[0]
      row.buckets.forEach((b, j) => (z += row.values[j] * (weight.get(b) ?? 0)))
      expect(probs[i * scorer.K]).toBeCloseTo(sigmoid(z), 5)
    })
    // Through the pipeline's path: the price sentence is a hit of `price`, the greeting of nothing.
    const detector = new ScriptDetector(LIB, loaded)
    const texts = new PreparedTexts(detector)
    const ids = call.map((u) => texts.add(u.text))
    const analyses = texts.analyzeCall(
      ids,
      call.map((u) => u.speaker),
      firstOfTurnFlags(call),
    )
    const priceRow = call.findIndex((u) => u.labels.includes('price') && u.labels.length === 1)
    expect(analyses[priceRow].hits.map((h) => LIB.scripts[h.script].id)).toContain('price')
    expect(analyses[0].hits).toEqual([])
    // Hits are on the matcher's scale: at or above the library's threshold.
    for (const a of analyses) for (const h of a.hits) expect(h.score).toBeGreaterThanOrEqual(LIB.matchThreshold)
  })

  it('refuses a model trained for scripts the library lacks', () => {
    const path = join(dir.path, 'labelled.csv')
    writeFileSync(path, labelledCsv())
    const data = readLabelledUtterances(path, parseSpeakerMap('seller=agent,buyer=customer'))
    const {model} = trainScriptModel({file: path, utterances: data.utterances}, LIB, {
      ...DEFAULT_TRAIN,
      features: {...DEFAULT_FEATURES, bits: 16},
      folds: 2,
    })
    const other = parseLibrary(
      JSON.stringify({stages: [{id: 's', scripts: [{id: 'price', phrasings: ['ten dollars']}]}]}),
      'other.json',
    ).library!
    expect(() => new ScriptDetector(other, model)).toThrow('does not have with the same speaker: warranty')
  })
})
