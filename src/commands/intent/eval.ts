import {Flags} from '@oclif/core'
import {percent} from '../../format/numbers.js'
import {BaseCommand} from '../../cli/base-command.js'
import type {CompareResult} from '../../enrich/intent/compare.js'

export default class IntentEval extends BaseCommand<typeof IntentEval> {
  static description =
    'Evaluate intent classification on a held-out split (seeded, stratified): the model is trained on the rest; prints per-intent precision, recall, F1, the confusion matrix and macro-F1 for rules only, model only and rules+model.'
  static examples = [
    '<%= config.bin %> intent eval --labels fixtures/labelled/queries.ndjson',
    '<%= config.bin %> intent eval --labels my.csv --seed 7 --test-share 0.3 --json',
  ]
  static flags = {
    labels: Flags.string({
      description: 'labelled file: NDJSON {"text","intent"} per line, or CSV with columns text,intent',
      required: true,
    }),
    intents: Flags.string({description: 'intents file with the rules (default: config files.intents, else the shipped one)'}),
    seed: Flags.integer({description: 'seed of the train/test split', default: 42}),
    'test-share': Flags.string({description: 'share of each intent held out for testing', default: '0.2'}),
  }

  async run(): Promise<CompareResult> {
    const {flags} = await this.parse(IntentEval)
    const {readLabels} = await import('../../enrich/intent/evaluate.js')
    const {intentsPathFor, loadIntentsFile} = await import('../../enrich/intent/file.js')
    const {compareMethods} = await import('../../enrich/intent/compare.js')
    const file = loadIntentsFile(intentsPathFor(this.ccxConfig, flags.intents))
    const rows = readLabels(flags.labels)
    const result = compareMethods(rows, file, {seed: flags.seed, testShare: Number(flags['test-share'])})
    const pct = (x: number) => percent(x).slice(0, -1)
    this.log(
      `held-out split: ${result.testRows} of ${result.testRows + result.trainRows} texts (seed ${result.seed}); model trained on ${result.trainRows}\n`,
    )
    const best = result.modes['rules+model']
    this.log('rules+model, per intent:')
    this.table(
      best.perIntent.map((m) => ({
        intent: m.intent,
        support: m.support,
        predicted: m.predicted,
        'precision %': pct(m.precision),
        'recall %': pct(m.recall),
        'F1 %': pct(m.f1),
      })),
    )
    this.log('\nconfusion (rows: labelled, columns: predicted):')
    const cols = [...Object.keys(best.confusion), 'unknown']
    this.table(
      Object.entries(best.confusion).map(([actual, row]) => ({labelled: actual, ...Object.fromEntries(cols.map((c) => [c, row[c] ?? 0]))})),
    )
    this.log('\nmethods compared:')
    this.table(
      (['rules', 'model', 'rules+model'] as const).map((m) => ({
        method: m,
        'macro-F1': result.modes[m].macroF1.toFixed(3),
        'accuracy %': pct(result.modes[m].accuracy),
        'unknown %': pct(result.modes[m].unknownShare),
      })),
    )
    if (result.byKind.length > 0) {
      this.log('\naccuracy by kind of text:')
      this.table(
        result.byKind.map((k) => ({
          kind: k.kind,
          n: k.n,
          'rules %': pct(k.rules),
          'model %': pct(k.model),
          'rules+model %': pct(k['rules+model']),
        })),
      )
    }
    return result
  }
}
