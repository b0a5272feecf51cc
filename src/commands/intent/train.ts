import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'

export interface TrainResult {
  labels: string
  out: string
  rows: number
  classes: string[]
  features: number
}

export default class IntentTrain extends BaseCommand<typeof IntentTrain> {
  static description =
    'Train the intent model (naive Bayes over jieba words and character n-grams) from a labelled file (NDJSON or CSV with text,intent) and write it as JSON. Point the intents file\'s "model" at it to use it.'
  static examples = ['<%= config.bin %> intent train --labels fixtures/labelled/queries.ndjson --out intent-model.json']
  static flags = {
    labels: Flags.string({
      description: 'labelled file: NDJSON {"text","intent"} per line, or CSV with columns text,intent',
      required: true,
    }),
    out: Flags.string({description: 'where to write the model JSON', default: 'intent-model.json'}),
    alpha: Flags.string({description: 'additive smoothing of the naive Bayes model', default: '0.3'}),
  }

  async run(): Promise<TrainResult> {
    const {flags} = await this.parse(IntentTrain)
    const {writeFileSync} = await import('node:fs')
    const {resolve} = await import('node:path')
    const {readLabels} = await import('../../enrich/intent/evaluate.js')
    const {trainModel} = await import('../../enrich/intent/model.js')
    const rows = readLabels(flags.labels)
    this.progress(`training on ${rows.length} labelled texts…`)
    const model = trainModel(rows, {alpha: Number(flags.alpha)})
    const out = resolve(flags.out)
    writeFileSync(out, JSON.stringify(model))
    const result = {labels: flags.labels, out, rows: rows.length, classes: model.classes, features: Object.keys(model.logLikelihood).length}
    this.log(
      `wrote ${out}: ${result.rows} texts, ${result.classes.length} intents (${result.classes.join(', ')}), ${result.features} features`,
    )
    return result
  }
}
