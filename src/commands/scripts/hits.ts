import {Args, Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import type {ScriptHit, StageSpan} from '../../telesales/segment.js'

export interface ScriptsHitsResult {
  callId: string
  outcome: string | null
  agentId: string | null
  stages: StageSpan[]
  hits: ScriptHit[]
  turns: Array<{turnNo: number; speaker: string; startMs: number | null; stage: string; text: string | null; scripts: string[]}>
}

export default class ScriptsHits extends DataCommand<typeof ScriptsHits> {
  static description = `Show the stages and script hits of one call: each turn, the stage it was put in, and the scripts said
(with turn, time offset and match score). Computed from the transcript with the current script library.`
  static examples = ['<%= config.bin %> scripts hits T0000042', '<%= config.bin %> scripts hits T0000042 --scripts my-scripts.json --json']
  static args = {callId: Args.string({description: 'call id', required: true})}
  static flags = {
    scripts: Flags.string({description: 'script library (default: files.scripts from the config, else the shipped defaults/scripts.json)'}),
  }

  async run(): Promise<ScriptsHitsResult> {
    const {args, flags} = await this.parse(ScriptsHits)
    const {CcxError, EXIT} = await import('../../errors.js')
    const {configuredLibrary} = await import('../../telesales/configured.js')
    const {ScriptMatcher} = await import('../../telesales/matcher.js')
    const {analyzeCall} = await import('../../telesales/segment.js')
    const {createJiebaTokenizer} = await import('../../telesales/text.js')
    const library = await configuredLibrary(this.ccxConfig, flags.scripts)
    const store = await this.openStoreWaiting(this.dbPath(flags.db), {readOnly: true, waitS: 120})
    const turns = await store.all<{turnNo: number; speaker: string; startMs: number | null; endMs: number | null; text: string | null}>(
      `select turn_no as "turnNo", speaker, start_ms as "startMs", end_ms as "endMs", text from raw_transcript_turns where call_id = $id order by turn_no`,
      {id: args.callId},
    )
    if (turns.length === 0) {
      throw new CcxError(`call ${args.callId} has no transcript in ${store.path}`, {
        code: 'NO_TRANSCRIPT',
        exit: EXIT.badInput,
        suggestions: ['Check the call id, or ingest transcripts with `ccx ingest transcripts FILE`.'],
      })
    }
    const call = await store.one<{outcome: string | null; agent_id: string | null}>(
      'select outcome, agent_id from raw_calls where call_id = $id',
      {id: args.callId},
    )
    const analysis = analyzeCall(turns, new ScriptMatcher(library, {tokenizer: await createJiebaTokenizer()}))
    const rows = turns.map((t, i) => ({
      turnNo: t.turnNo,
      speaker: t.speaker,
      startMs: t.startMs,
      stage: analysis.turnStages[i],
      text: t.text,
      scripts: analysis.hits.filter((h) => h.turnNo === t.turnNo).map((h) => h.scriptId),
    }))
    this.log(`call ${args.callId}  outcome: ${call?.outcome ?? '?'}  agent: ${call?.agent_id ?? '?'}`)
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
      callId: args.callId,
      outcome: call?.outcome ?? null,
      agentId: call?.agent_id ?? null,
      stages: analysis.stages,
      hits: analysis.hits,
      turns: rows,
    }
  }
}
