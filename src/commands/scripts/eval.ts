import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import type {DetectionEval, summarizeSplits} from '../../telesales/model/eval.js'

export interface ScriptsEvalResult {
  labels: string
  library: string
  runs: DetectionEval[]
  summary: ReturnType<typeof summarizeSplits>
}

const f2 = (x: number | null | undefined) => (x === null || x === undefined ? '' : x.toFixed(2))
const pct = (x: number) => `${(x * 100).toFixed(0)}%`

export default class ScriptsEval extends BaseCommand<typeof ScriptsEval> {
  static summary = 'Measure script detection (precision, recall, F1, confusion, threshold curve) on held-out labelled calls.'
  static description = `Measure script detection on held-out calls: the calls are split by a seed (each call kept whole), the
detector is trained on the rest (as \`scripts train\` does) and scored on the held-out part. Prints precision, recall and
F1 per script at sentence and call level, macro averages, the confusion between scripts, the threshold curve and the
phrasing matcher alone as the baseline. With several --seeds: the mean and spread over the splits. Definitions:
docs/telesales.md.`
  static examples = [
    '<%= config.bin %> scripts eval --labels labelled.csv',
    '<%= config.bin %> scripts eval --labels ../shared/realdata/persuasion-dev/dialog_sentences.csv --scripts fixtures/persuasion/scripts.json --speakers persuader=agent,persuadee=customer --seeds 1,2,3,4,5',
  ]
  static flags = {
    labels: Flags.string({
      description: 'labelled utterances: CSV or NDJSON with text, label(s), optional call_id, turn, speaker, stage',
      required: true,
    }),
    scripts: Flags.string({description: 'script library (default: files.scripts from the config, else the shipped defaults/scripts.json)'}),
    speakers: Flags.string({description: "map the file's speaker names: NAME=agent|customer[,…]"}),
    seeds: Flags.string({
      description: 'seeds of the held-out splits, comma-separated (each split is evaluated; mean and spread reported)',
      default: '1',
    }),
    'test-share': Flags.string({description: 'share of the calls held out', default: '0.3'}),
    'target-precision': Flags.string({description: 'call-level precision each threshold aims at (training)', default: '0.75'}),
    c: Flags.string({description: 'inverse L2 regularisation strength (training)', default: '2'}),
    folds: Flags.integer({description: 'folds for calibrating the thresholds (training)', default: 4}),
    'no-seeds': Flags.boolean({description: 'do not add the library phrasings as training examples'}),
    'min-positives': Flags.integer({description: 'scripts with fewer labelled sentences keep the phrasing matcher', default: 5}),
    out: Flags.string({description: 'also write the result JSON to this file'}),
    model: Flags.string({
      description:
        'a model file `scripts train` wrote from these labels and library: the figures are stored in it, and `report scripts` shows them beside the verdict',
    }),
  }

  async run(): Promise<ScriptsEvalResult> {
    const {flags} = await this.parse(ScriptsEval)
    const {writeFileSync} = await import('node:fs')
    const {resolve} = await import('node:path')
    const {CcxError, EXIT} = await import('../../errors.js')
    const {configuredLibrary} = await import('../../telesales/configured.js')
    const {readLabelledUtterances, parseSpeakerMap} = await import('../../telesales/model/labels.js')
    const {DEFAULT_TRAIN} = await import('../../telesales/model/train.js')
    const {evaluateDetection, evaluationRecord, summarizeSplits} = await import('../../telesales/model/eval.js')
    const {trainOptionsFromFlags} = await import('../../telesales/model/options.js')
    const {createJiebaTokenizer} = await import('../../telesales/text.js')
    const seeds = flags.seeds.split(',').map((s) => Number(s.trim()))
    if (seeds.some((s) => !Number.isInteger(s))) {
      throw new CcxError(`--seeds "${flags.seeds}" must be whole numbers separated by commas`, {code: 'BAD_FLAG', exit: EXIT.usage})
    }
    const testShare = Number(flags['test-share'])
    if (!(testShare > 0 && testShare < 1)) {
      throw new CcxError(`--test-share "${flags['test-share']}" must be between 0 and 1`, {code: 'BAD_FLAG', exit: EXIT.usage})
    }
    const library = await configuredLibrary(this.ccxConfig, flags.scripts)
    const modelPath = flags.model ? resolve(flags.model) : undefined
    const {loadScriptModel} = await import('../../telesales/model/format.js')
    const model = modelPath ? loadScriptModel(modelPath) : undefined
    if (model && model.library.hash !== library.hash) {
      throw new CcxError(`--model ${flags.model} was trained with ${model.library.source}, not with ${library.source}`, {
        code: 'MODEL_LIBRARY_MISMATCH',
        exit: EXIT.invalidConfig,
        suggestions: ['Evaluate with the library the model was trained with (--scripts), or re-train the model.'],
      })
    }
    const data = readLabelledUtterances(resolve(flags.labels), parseSpeakerMap(flags.speakers))
    const tokenizer = await createJiebaTokenizer()
    const runs: DetectionEval[] = []
    for (const seed of seeds) {
      this.progress(`split seed ${seed}: training on ${Math.round((1 - testShare) * 100)}% of ${data.calls.length} calls…`)
      const train = trainOptionsFromFlags(DEFAULT_TRAIN, {...flags, seed})
      runs.push(evaluateDetection(data.utterances, library, {seed, testShare, train}, tokenizer))
    }
    const summary = summarizeSplits(runs)
    const first = runs[0]
    this.log(
      `Held-out split (seed ${first.seed}): ${first.testCalls} of ${first.testCalls + first.trainCalls} calls, ${first.testSentences} utterances.\n`,
    )
    this.table(
      first.scripts.map((s) => ({
        script: s.scriptId,
        detector: s.detector,
        'sent P': f2(s.sentence.precision),
        'sent R': f2(s.sentence.recall),
        'sent F1': f2(s.sentence.f1),
        'call P': f2(s.call.precision),
        'call R': f2(s.call.recall),
        'call F1': f2(s.call.f1),
        'gold calls': pct(s.call.goldRate),
        'fires on': pct(s.call.fireRate),
      })),
    )
    const m = first.macro
    const b = first.baseline.macro
    this.log(
      `\nMacro averages at call level are precision ${f2(m.call.precision)}, recall ${f2(m.call.recall)}, F1 ${f2(m.call.f1)}; at sentence level precision ${f2(m.sentence.precision)}, recall ${f2(m.sentence.recall)}, F1 ${f2(m.sentence.f1)}.`,
    )
    this.log(
      `The phrasings alone (baseline) reach call precision ${f2(b.call.precision)}, recall ${f2(b.call.recall)}; sentence precision ${f2(b.sentence.precision)}, recall ${f2(b.sentence.recall)}.`,
    )
    const t = first.targets
    this.log(
      `Targets: call macro recall ≥ ${t.macroRecall.target} ${t.macroRecall.ok ? 'met' : 'missed'}, macro precision ≥ ${t.macroPrecision.target} ${t.macroPrecision.ok ? 'met' : 'missed'}, every script detected ${t.allDetected.ok ? 'yes' : `no (${t.allDetected.missing.join(', ')})`}, none over-firing ${t.overFiring.ok ? 'yes' : `no (${t.overFiring.scripts.map((s) => s.scriptId).join(', ')})`}.`,
    )
    this.log('\nconfusion, sentence level (rows: labelled, columns: detected):')
    const short = (id: string) => id.slice(0, 8)
    this.table(
      first.confusion.labels.map((label, i) => ({
        labelled: label,
        ...Object.fromEntries(first.confusion.labels.map((l, j) => [short(l), first.confusion.counts[i][j]])),
      })),
    )
    if (first.curve.length > 0) {
      this.log('\nthreshold curve (every threshold moved on the logit scale), call level:')
      this.table(
        first.curve.map((p) => ({
          shift: p.logitShift,
          'macro P': f2(p.precision),
          'macro R': f2(p.recall),
          'macro F1': f2(p.f1),
          'max fire rate': pct(p.maxFireRate),
        })),
      )
    }
    if (runs.length > 1) {
      this.log(`\nover ${runs.length} splits (seeds ${summary.seeds.join(', ')}), mean ± sd [min, max]:`)
      const line = (name: string, s: {mean: number; sd: number; min: number; max: number}) =>
        this.log(`  ${name}: ${f2(s.mean)} ± ${f2(s.sd)} [${f2(s.min)}, ${f2(s.max)}]`)
      line('call macro precision', summary.callPrecision)
      line('call macro recall', summary.callRecall)
      line('call macro F1', summary.callF1)
      line('sentence macro precision', summary.sentencePrecision)
      line('sentence macro recall', summary.sentenceRecall)
      line('scripts never detected, per split', summary.missingPerSplit)
      line('scripts over-firing, per split', summary.overFiringPerSplit)
      line('largest firing rate (gold ≤ 60%)', summary.maxFireRate)
      this.log(`  All targets were met on ${summary.targetsMet} of ${runs.length} splits.`)
    }
    const result = {labels: data.path, library: library.source, runs, summary}
    if (flags.out) writeFileSync(resolve(flags.out), JSON.stringify(result, null, 1))
    if (model && modelPath) {
      writeFileSync(modelPath, JSON.stringify({...model, evaluation: evaluationRecord(runs, data.path, new Date())}))
      this.progress(`stored these figures in ${modelPath}: \`ccx report scripts\` shows them beside the verdict`)
    }
    return result
  }
}
