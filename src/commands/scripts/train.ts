import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import type {ModelScript} from '../../telesales/model/format.js'

export interface ScriptsTrainResult {
  labels: string
  library: string
  out: string
  utterances: number
  calls: number
  skippedRows: number
  seedPhrasings: number
  features: number
  scripts: ModelScript[]
}

const pct = (x: number | null) => (x === null ? '' : `${(x * 100).toFixed(0)}%`)

export default class ScriptsTrain extends BaseCommand<typeof ScriptsTrain> {
  static description = `Train the script detector from labelled utterances and write the model file.

One L2-regularised logistic regression per script over jieba words, word bigrams and character n-grams of each
sentence, its neighbours and its place in the call; each script's threshold is set on out-of-fold calls for
--target-precision. Scripts with fewer than --min-positives labelled sentences keep their phrasings. Use the model
with files.scriptModel in ccx.config.json. Format and method: docs/telesales.md.`
  static examples = [
    '<%= config.bin %> scripts train --labels labelled.csv --out script-model.json',
    '<%= config.bin %> scripts train --labels ../shared/realdata/persuasion-dev/dialog_sentences.csv --scripts fixtures/persuasion/scripts.json --speakers persuader=agent,persuadee=customer --out persuasion-model.json',
  ]
  static flags = {
    labels: Flags.string({
      description: 'labelled utterances: CSV or NDJSON with text, label(s), optional call_id, turn, speaker, stage',
      required: true,
    }),
    out: Flags.string({description: 'where to write the model JSON', default: 'script-model.json'}),
    scripts: Flags.string({description: 'script library (default: files.scripts from the config, else the shipped defaults/scripts.json)'}),
    speakers: Flags.string({
      description: "map the file's speaker names: NAME=agent|customer[,…] (e.g. persuader=agent,persuadee=customer)",
    }),
    'target-precision': Flags.string({description: 'call-level precision each threshold aims at on out-of-fold calls', default: '0.75'}),
    c: Flags.string({description: 'inverse L2 regularisation strength', default: '2'}),
    folds: Flags.integer({description: 'folds (calls kept whole) for calibrating the thresholds', default: 4}),
    seed: Flags.integer({description: 'seed of the folds', default: 1}),
    'no-seeds': Flags.boolean({description: 'do not add the library phrasings as training examples'}),
    'min-positives': Flags.integer({description: 'scripts with fewer labelled sentences keep the phrasing matcher', default: 5}),
  }

  async run(): Promise<ScriptsTrainResult> {
    const {flags} = await this.parse(ScriptsTrain)
    const {writeFileSync} = await import('node:fs')
    const {resolve} = await import('node:path')
    const {configuredLibrary} = await import('../../telesales/configured.js')
    const {readLabelledUtterances, parseSpeakerMap} = await import('../../telesales/model/labels.js')
    const {trainScriptModel, DEFAULT_TRAIN} = await import('../../telesales/model/train.js')
    const {createJiebaTokenizer} = await import('../../telesales/text.js')
    const {trainOptionsFromFlags} = await import('../../telesales/model/options.js')
    const library = await configuredLibrary(this.ccxConfig, flags.scripts)
    const options = trainOptionsFromFlags(DEFAULT_TRAIN, flags)
    const data = readLabelledUtterances(resolve(flags.labels), parseSpeakerMap(flags.speakers))
    this.progress(`training on ${data.utterances.length} utterances of ${data.calls.length} calls…`)
    const tokenizer = await createJiebaTokenizer()
    const {model, report} = trainScriptModel({file: data.path, utterances: data.utterances}, library, options, tokenizer, (m) =>
      this.progress(m),
    )
    const out = resolve(flags.out)
    writeFileSync(out, JSON.stringify(model))
    this.table(
      report.scripts.map((s) => ({
        script: s.id,
        detector: s.detector,
        sentences: s.positives,
        calls: s.positiveCalls,
        threshold: s.detector === 'model' ? s.threshold.toFixed(3) : '',
        'oof precision': pct(s.calibration.precision),
        'oof recall': pct(s.calibration.recall),
        target: s.detector === 'model' ? (s.calibration.reached ? 'reached' : 'not reached: best F1') : '',
      })),
    )
    const learnt = report.scripts.filter((s) => s.detector === 'model').length
    this.log(
      `Wrote ${out}: ${learnt} of ${report.scripts.length} scripts learnt from ${report.utterances} utterances in ${report.calls} calls (${report.features} features); the others keep their phrasings.`,
    )
    if (data.skipped.length > 0)
      this.progress(`${data.skipped.length} rows without text were left out (first at line ${data.skipped[0].line}).`)
    return {
      labels: data.path,
      library: library.source,
      out,
      utterances: report.utterances,
      calls: report.calls,
      skippedRows: data.skipped.length,
      seedPhrasings: report.seedPhrasings,
      features: report.features,
      scripts: report.scripts,
    }
  }
}
