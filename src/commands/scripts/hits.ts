import {Args, Flags} from '@oclif/core'
import {ReportCommand, reportFlags} from '../../cli/report-runner.js'
import type {StoredHit} from '../../telesales/load.js'
import type {ScriptHit, StageSpan} from '../../telesales/segment.js'

export interface ScriptsHitsResult {
  callId: string
  outcome: string | null
  agentId: string | null
  /** `model` when a trained script model scored the turns, else `phrasings`. */
  detector: 'model' | 'phrasings'
  stages: StageSpan[]
  hits: ScriptHit[]
  turns: Array<{turnNo: number; speaker: string; startMs: number | null; stage: string; text: string | null; scripts: string[]}>
}

export interface ScriptsHitsAllResult {
  hits: number
  calls: number
  perScript: Array<{scriptId: string; hits: number; calls: number}>
  out: string | null
  stale: string[]
}

export default class ScriptsHits extends ReportCommand<typeof ScriptsHits> {
  static summary = 'Show the stages and script hits of one call, or export every stored hit with --all.'
  static description = `Show the stages and script hits of one call: each turn, the stage it was put in, and the scripts said
(with turn, time offset and match score), detected from the transcript the way the telesales pipeline does (the trained
model of files.scriptModel or --model when there is one, else the library's phrasings). With --all: every hit the
telesales pipeline stored (with its call, agent, outcome and the turn's text), for --from/--to/--site, to --out
FILE.csv|.parquet|.arrow or --csv.`
  static examples = [
    '<%= config.bin %> scripts hits T0000042',
    '<%= config.bin %> scripts hits T0000042 --scripts my-scripts.json --model script-model.json --json',
    '<%= config.bin %> scripts hits --all --out hits.parquet',
  ]
  static args = {callId: Args.string({description: 'call id (omit with --all)'})}
  static flags = {
    ...reportFlags,
    all: Flags.boolean({description: 'every stored hit of the calls in --from/--to/--site (write them with --out or --csv)'}),
    scripts: Flags.string({description: 'script library (default: files.scripts from the config, else the shipped defaults/scripts.json)'}),
    model: Flags.string({description: 'trained script model (default: files.scriptModel from the config; none: the phrasings)'}),
  }

  async run(): Promise<ScriptsHitsResult | ScriptsHitsAllResult> {
    const {args, flags} = await this.parse(ScriptsHits)
    const {CcxError, EXIT} = await import('../../errors.js')
    const {withTelesalesFiles} = await import('../../telesales/configured.js')
    this.useConfig(withTelesalesFiles(this.ccxConfig, {scripts: flags.scripts, model: flags.model}))
    // an unset boolean flag is undefined, not false: without a call id and without --all this must still be refused
    if (Boolean(flags.all) === Boolean(args.callId)) {
      throw new CcxError(args.callId ? 'give a call id or --all, not both' : 'give a call id, or --all for every stored hit', {
        code: 'BAD_USAGE',
        exit: EXIT.usage,
        suggestions: ['ccx scripts hits T0000042', 'ccx scripts hits --all --out hits.parquet'],
      })
    }
    // one call has no range: a --from/--to/--site there would be ignored without a word (an impossible date included)
    const rangeFlags = (['from', 'to', 'site'] as const).filter((f) => flags[f] !== undefined)
    if (!flags.all && rangeFlags.length > 0) {
      throw new CcxError(`--${rangeFlags.join(', --')} select the calls of --all; one call (${args.callId}) has no range`, {
        code: 'BAD_USAGE',
        exit: EXIT.usage,
        suggestions: [`ccx scripts hits ${args.callId}`, `ccx scripts hits --all --${rangeFlags[0]} …`],
      })
    }
    return flags.all ? this.all(flags) : this.one(args.callId!, flags)
  }

  private async all(flags: {
    from?: string
    to?: string
    site?: string
    csv?: boolean
    out?: string
    wait?: number
    refresh?: boolean
    db?: string
  }) {
    const {default: scripts} = await import('../../reports/telesales/scripts.js')
    const {loadStoredHits} = await import('../../telesales/load.js')
    await this.checkOutputs(flags)
    const {ctx, stale} = await this.openReport(flags, scripts.needs)
    const hits = await loadStoredHits(ctx.store, {from: ctx.range.from ?? undefined, to: ctx.range.to ?? undefined, site: flags.site})
    const per = new Map<string, {hits: number; calls: Set<string>}>()
    for (const h of hits) {
      const e = per.get(h.script_id) ?? {hits: 0, calls: new Set<string>()}
      e.hits++
      e.calls.add(h.call_id)
      per.set(h.script_id, e)
    }
    const perScript = [...per].map(([scriptId, e]) => ({scriptId, hits: e.hits, calls: e.calls.size})).sort((a, b) => b.hits - a.hits)
    const calls = new Set(hits.map((h) => h.call_id)).size
    // The hits go to --out or --csv; the terminal gets a summary per script, not hundreds of thousands of lines.
    await this.present(
      {hits},
      {
        id: 'telesales/hits',
        rows: (r: {hits: StoredHit[]}) => r.hits,
        text: () => [
          {
            lines: [`${hits.length} hits in ${calls} calls${flags.out ? '' : ' (write them all with --out FILE or --csv)'}.`],
            rows: perScript.map((p) => ({script: p.scriptId, hits: p.hits, calls: p.calls})),
          },
        ],
        charts: () => [],
      },
      flags,
      ctx.store,
    )
    return {hits: hits.length, calls, perScript, out: flags.out ?? null, stale}
  }

  private async one(callId: string, flags: {db?: string; wait?: number}): Promise<ScriptsHitsResult> {
    const {CcxError, EXIT} = await import('../../errors.js')
    const {configuredLibrary, configuredModel} = await import('../../telesales/configured.js')
    const {ScriptDetector, detectCall} = await import('../../telesales/model/detect.js')
    const {createJiebaTokenizer} = await import('../../telesales/text.js')
    const library = await configuredLibrary(this.ccxConfig)
    const model = await configuredModel(this.ccxConfig)
    const store = await this.openStoreWaiting(this.dbPath(flags.db), {readOnly: true, waitS: flags.wait ?? 120})
    const turns = await store.all<{turnNo: number; speaker: string; startMs: number | null; endMs: number | null; text: string | null}>(
      `select turn_no as "turnNo", speaker, start_ms as "startMs", end_ms as "endMs", text from raw_transcript_turns where call_id = $id order by turn_no`,
      {id: callId},
    )
    if (turns.length === 0) {
      throw new CcxError(`call ${callId} has no transcript in ${store.path}`, {
        code: 'NO_TRANSCRIPT',
        exit: EXIT.badInput,
        suggestions: ['Check the call id, or ingest transcripts with `ccx ingest transcripts FILE`.'],
      })
    }
    const call = await store.one<{outcome: string | null; agent_id: string | null}>(
      'select outcome, agent_id from raw_calls where call_id = $id',
      {id: callId},
    )
    const analysis = detectCall(new ScriptDetector(library, model?.model, await createJiebaTokenizer()), turns)
    const rows = turns.map((t, i) => ({
      turnNo: t.turnNo,
      speaker: t.speaker,
      startMs: t.startMs,
      stage: analysis.turnStages[i],
      text: t.text,
      scripts: analysis.hits.filter((h) => h.turnNo === t.turnNo).map((h) => h.scriptId),
    }))
    const detector = model ? 'model' : 'phrasings'
    this.log(
      `Call ${callId}: outcome ${call?.outcome ?? 'unknown'}, agent ${call?.agent_id ?? 'unknown'}, ${analysis.hits.length} script hits (${detector === 'model' ? `trained model ${model!.path}` : 'phrasings'}).`,
    )
    this.table(
      rows.map((r) => ({
        turn: r.turnNo,
        who: r.speaker,
        at: r.startMs === null ? '' : `${(r.startMs / 1000).toFixed(1)}s`,
        stage: r.stage,
        text: r.text,
        scripts: r.scripts.join(' '),
      })),
    )
    this.log('')
    this.table(
      analysis.hits.map((h) => ({
        script: h.scriptId,
        stage: h.stage,
        turn: h.turnNo,
        at: h.offsetMs === null ? '' : `${(h.offsetMs / 1000).toFixed(1)}s`,
        score: h.score.toFixed(2),
        'turn stage': h.turnStage,
      })),
    )
    return {
      callId,
      outcome: call?.outcome ?? null,
      agentId: call?.agent_id ?? null,
      detector,
      stages: analysis.stages,
      hits: analysis.hits,
      turns: rows,
    }
  }
}
