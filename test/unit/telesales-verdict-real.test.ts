import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {analyzeScripts, type AnalysisCall} from '../../src/reports/telesales/analysis.js'
import {createRng} from '../../src/stats/random.js'
import {loadLibrary} from '../../src/telesales/library.js'
import {ScriptDetector, PreparedTexts} from '../../src/telesales/model/detect.js'
import {splitCalls} from '../../src/telesales/model/eval.js'
import {groupCalls, parseSpeakerMap, readLabelledUtterances, type LabelledUtterance} from '../../src/telesales/model/labels.js'
import {DEFAULT_TRAIN, firstOfTurnFlags, trainScriptModel} from '../../src/telesales/model/train.js'
import {ROOT} from '../helpers/cli.js'
import {realData} from '../helpers/realdata.js'

// The verdict judged on real, human-annotated dialogs (PersuasionForGood): what each dialog's persuader said is what
// the trained model detects on dialogs it never saw (two folds, each scored by the model trained on the other), and
// the outcome is planted on what the annotators marked — so detection errors weaken the planted signal as they would
// on real calls. Issue 17 acceptance.
describe('verdict on real dialogs with detected scripts', () => {
  const data = readLabelledUtterances(
    join(realData('persuasion-dev'), 'dialog_sentences.csv'),
    parseSpeakerMap('persuader=agent,persuadee=customer'),
  )
  const library = loadLibrary(join(ROOT, 'fixtures/persuasion/scripts.json'))
  const grouped = groupCalls(data.utterances)
  const ids = [...grouped.keys()].sort()

  type Dialog = {id: string; gold: Set<string>; detected: Set<string>; scores: Map<string, number>}
  /**
   * Scripts the annotators marked, scripts the model (trained on the other fold) detected and its best score per script
   * (as the pipeline stores them in call_script_scores), per dialog.
   */
  function crossFitted(): Dialog[] {
    const {train, test} = splitCalls(ids, 0.5, 7)
    const out: Dialog[] = []
    for (const [fit, score] of [
      [train, test],
      [test, train],
    ]) {
      const rows = data.utterances.filter((u) => fit.has(u.call))
      const {model} = trainScriptModel({file: '(fold)', utterances: rows}, library, {...DEFAULT_TRAIN, seed: 7})
      const detector = new ScriptDetector(library, model)
      for (const id of [...score].sort()) {
        const call: LabelledUtterance[] = grouped.get(id)!
        const prepared = new PreparedTexts(detector, call.length)
        const textIds = call.map((u) => prepared.add(u.text))
        const speakers = call.map((u) => u.speaker)
        const analyses = prepared.analyzeCall(textIds, speakers, firstOfTurnFlags(call))
        const detected = new Set<string>()
        analyses.forEach((a, i) => {
          for (const h of a.hits) if (library.scripts[h.script].speaker === speakers[i]) detected.add(library.scripts[h.script].id)
        })
        const gold = new Set(
          call.flatMap((u) => (u.speaker === 'agent' ? u.labels : [])).filter((l) => library.scripts.some((s) => s.id === l)),
        )
        const scores = new Map<string, number>()
        const K = detector.scorer!.K
        for (let k = 0; k < K; k++) {
          if (detector.modelScript[k] < 0) continue
          const script = library.scripts[detector.modelScript[k]]
          let p = -1
          speakers.forEach((speaker, t) => {
            if (speaker === script.speaker) p = Math.max(p, prepared.lastBest[t * K + k])
          })
          if (p >= 0) scores.set(script.id, Math.round(detector.matchScore(k, p) * 1000) / 1000)
        }
        out.push({id, gold, detected, scores})
      }
    }
    return out.sort((a, b) => a.id.localeCompare(b.id))
  }

  const stageOf = new Map(library.scripts.map((s) => [s.id, s.stage]))
  const asCalls = (dialogs: ReturnType<typeof crossFitted>, sale: (d: (typeof dialogs)[number], i: number) => boolean): AnalysisCall[] =>
    dialogs.map((d, i) => ({
      callId: d.id,
      agentId: `A${i % 7}`,
      campaign: null,
      success: sale(d, i),
      scripts: [...d.detected],
      stages: [...new Set([...d.detected].map((s) => stageOf.get(s)!))],
      scores: d.scores,
    }))

  it(
    'planted P(sale) 0.75 with a strategy, 0.25 without: never dispersed, never a wrong script on the real 150; no effect and few calls: no evidence either way',
    {timeout: 600_000},
    () => {
      const dialogs = crossFitted()
      expect(dialogs.length).toBe(150)
      // Strategies an effect can be planted on: marked in 15–85% of dialogs (rarer or commoner ones leave one side nearly empty).
      const planted = library.scripts
        .map((s) => s.id)
        .filter((id) => {
          const rate = dialogs.filter((d) => d.gold.has(id)).length / dialogs.length
          return rate >= 0.15 && rate <= 0.85
        })
      expect(planted.length).toBeGreaterThanOrEqual(6)
      // The detector's measured call-level precision and recall per strategy (out of fold), as `scripts eval` stores them.
      const quality = new Map(
        library.scripts.map((s) => {
          const fired = dialogs.filter((d) => d.detected.has(s.id))
          const gold = dialogs.filter((d) => d.gold.has(s.id))
          const tp = fired.filter((d) => d.gold.has(s.id)).length
          return [s.id, {precision: fired.length > 0 ? tp / fired.length : 0, recall: gold.length > 0 ? tp / gold.length : 0}]
        }),
      )
      const plant = (calls: ReturnType<typeof crossFitted>, k: number) =>
        planted.map((script) => {
          const rng = createRng(100 + k * 31 + planted.indexOf(script))
          const r = analyzeScripts(
            library,
            asCalls(calls, (d) => rng() < (d.gold.has(script) ? 0.75 : 0.25)),
            {seed: 3, permutations: 299, bootstrap: 50, powerSimulations: 20, detectionQuality: quality},
          )
          const share = (id: string) => r.scripts.find((x) => x.scriptId === id)?.share ?? 0
          const rank = 1 + r.scripts.filter((x) => !x.excluded && (x.share ?? 0) > share(script)).length
          return {
            script,
            verdict: r.verdict,
            rank,
            first: r.concentration.topScripts[0]?.scriptId ?? null,
            power: r.power.min,
            reason: r.reason,
          }
        })
      const show = (title: string, outcomes: ReturnType<typeof plant>) =>
        console.log(
          `${title}\n` +
            outcomes
              .map(
                (o) =>
                  `  ${o.script.padEnd(26)} rank ${o.rank}  ${o.verdict.padEnd(22)} first ${o.first}  power ${o.power?.toFixed(2)}  ${o.reason}`,
              )
              .join('\n'),
        )
      // The 150 dialogs as they are: detection errors weaken the planted odds ratio of 9 to about 3–4, and the power to see
      // that is about 0.55 — the verdict may say "no evidence either way", but never "dispersed" and never a wrong script.
      const real = plant(dialogs, 0)
      show('150 real dialogs, planted P(sale) 0.75 with the strategy, 0.25 without:', real)
      for (const o of real) {
        expect(o.verdict, o.reason).not.toBe('dispersed')
        if (o.verdict === 'concentrated') expect(o.first, o.script).toBe(o.script)
        expect(o.power!, o.script).toBeLessThan(0.8)
      }
      // A centre's volume: 600 calls drawn with replacement from the real dialogs (each with its real text and its
      // out-of-fold detection and scores). Ranked by each script's own score test on the detector's scores (docs/metrics.md
      // "The verdict's test"), the planted strategy is first with a concentrated verdict in 8 of 9 here (docs/telesales.md:
      // 6 of 9 with the joint adjusted χ², 4 of 9 with the test on the hits); over 15 other resamples and cross-fit splits
      // the mean is about 7.4 of 9. The miss here is logical-appeal credited to emotion-appeal (the detector confuses the
      // pair). This guards the 8.
      const rng = createRng(42)
      const many = Array.from({length: 600}, () => dialogs[Math.floor(rng() * dialogs.length)])
      const outcomes = plant(many, 1)
      show('600 calls resampled from the real dialogs:', outcomes)
      for (const o of outcomes) expect(o.verdict, o.reason).not.toBe('dispersed')
      const named = outcomes.filter((o) => o.verdict === 'concentrated' && o.first === o.script)
      console.log(`planted strategy first with a concentrated verdict: ${named.length} of ${outcomes.length}`)
      expect(named.length, JSON.stringify(outcomes, null, 1)).toBeGreaterThanOrEqual(8)

      // No effect, few calls (40 dialogs, outcomes independent of what was said): not "dispersed".
      for (const seed of [1, 2, 3]) {
        const rng = createRng(seed)
        const few = asCalls(dialogs.slice(0, 40), () => rng() < 0.5)
        const r = analyzeScripts(library, few, {seed, permutations: 199, bootstrap: 50, powerSimulations: 50})
        expect(r.verdict, r.reason).toBe('no evidence either way')
      }
    },
  )
})
