import {Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import type {EvalResult} from '../../selfservice/bot/evaluate.js'
import {kbFlags} from './ask.js'

export default class BotEval extends DataCommand<typeof BotEval> {
  static description = `Evaluate the FAQ bot on labelled questions (question → correct entry id; an empty id marks a question
the KB does not answer): top-1 and top-3 accuracy, MRR, hand-over rate, accuracy of the answers given, per category
and per kind, and the confidence threshold curve. Formulas: docs/metrics.md "FAQ bot".`
  static examples = [
    '<%= config.bin %> bot eval --labelled fixtures/selfservice/handwritten-a.ndjson',
    '<%= config.bin %> bot eval --labelled questions.csv --kb kb.json --json',
  ]
  static flags = {
    labelled: Flags.string({
      description: 'NDJSON {"question","entry_id","context"?,"kind"?} per line, or CSV with those columns',
      required: true,
    }),
    threshold: Flags.string({description: 'hand-over confidence (default: bot.handoverBelow)'}),
    misses: Flags.boolean({description: 'list the questions whose best entry is wrong', default: false}),
    ...kbFlags,
  }

  async run(): Promise<EvalResult & {labelled: string; kb: string}> {
    const {flags} = await this.parse(BotEval)
    const {readFileSync, existsSync} = await import('node:fs')
    const {resolve} = await import('node:path')
    const {CcxError, EXIT} = await import('../../errors.js')
    const {createBot} = await import('../../selfservice/bot-service.js')
    const {parseThreshold} = await import('../../selfservice/bot/flags.js')
    const {parseLabelled} = await import('../../selfservice/bot/labelled.js')
    const {evaluateBot} = await import('../../selfservice/bot/evaluate.js')
    const labelledFile = resolve(flags.labelled)
    if (!existsSync(labelledFile)) throw new CcxError(`labelled file not found: ${labelledFile}`, {code: 'NO_FILE', exit: EXIT.badInput})
    const store = flags.kb ? undefined : await this.openStore(this.dbPath(flags.db), {readOnly: true})
    const {bot, from} = await createBot(this.ccxConfig, {
      kbFile: flags.kb,
      store,
      synonymsFile: flags.synonyms,
      handoverBelow: parseThreshold(flags.threshold),
    })
    const {rows, issues} = parseLabelled(readFileSync(labelledFile, 'utf8'), new Set(bot.entries.map((e) => e.id)))
    if (issues.length > 0) {
      const lines = issues.slice(0, 20).map((i) => `  ${labelledFile}:${i.line} ${i.field}: ${i.message}`)
      throw new CcxError(
        `labelled file ${labelledFile} has ${issues.length} problem${issues.length === 1 ? '' : 's'}:\n${lines.join('\n')}`,
        {
          code: 'BAD_LABELS',
          exit: EXIT.badInput,
          suggestions: ['Each entry_id must be an id of the KB the bot answers from (`ccx kb list`).'],
        },
      )
    }
    if (rows.length === 0) throw new CcxError(`labelled file ${labelledFile} holds no questions`, {code: 'BAD_LABELS', exit: EXIT.badInput})
    const result = evaluateBot(bot, rows)
    const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`)
    this.log(
      `${result.questions} questions (${result.inScope} in the KB, ${result.outOfScope} outside it) against ${bot.entries.length} entries from ${from}\n`,
    )
    this.table([
      {measure: 'top-1 accuracy', value: pct(result.top1)},
      {measure: 'top-3 accuracy', value: pct(result.top3)},
      {measure: 'MRR', value: result.mrr === null ? 'n/a' : result.mrr.toFixed(3)},
      {measure: `hand-over rate (confidence < ${result.threshold})`, value: pct(result.handover)},
      {measure: 'accuracy of the answers given', value: pct(result.answeredAccuracy)},
      {measure: 'out-of-KB questions handed over', value: pct(result.outOfScopeHandover)},
    ])
    const groups = (title: string, rows: EvalResult['byCategory']) => {
      if (rows.length <= 1) return
      this.log(`\n${title}:`)
      this.table(
        rows.map((g) => ({
          [title]: g.group,
          n: g.n,
          'top-1': pct(g.top1),
          'top-3': pct(g.top3),
          MRR: g.mrr?.toFixed(3) ?? 'n/a',
          'hand-over': pct(g.handover),
        })),
      )
    }
    groups('category', result.byCategory)
    groups('kind', result.byKind)
    this.log('\nthreshold curve:')
    this.table(
      result.curve
        .filter((_, k) => k % 2 === 0)
        .map((p) => ({
          threshold: p.threshold.toFixed(2),
          'hand-over': pct(p.handover),
          'answer accuracy': pct(p.answeredAccuracy),
          'answered right (of in-KB)': pct(p.contained),
          'out-of-KB handed over': pct(p.outOfScopeHandover),
        })),
    )
    if (flags.misses && result.misses.length > 0) {
      this.log('\nmisses:')
      this.table(
        result.misses.map((m) => ({
          line: m.line,
          question: m.question,
          context: m.context ?? '',
          expected: m.expected,
          got: m.got ?? '-',
          confidence: m.confidence,
        })),
      )
    }
    return {...result, labelled: labelledFile, kb: from}
  }
}
