import {readSql} from '../../store/store.js'
import type {Library} from '../../telesales/library.js'
import type {ScriptModelFile} from '../../telesales/model/format.js'
import type {Pipeline, PipelineContext} from '../types.js'

async function libraryFor(ctx: PipelineContext): Promise<Library> {
  const {configuredLibrary} = await import('../../telesales/configured.js')
  return configuredLibrary(ctx.config)
}

/** The trained script model files.scriptModel names, if any; its text's hash joins the fingerprint. */
async function modelFor(ctx: PipelineContext): Promise<{model: ScriptModelFile; hash: string} | undefined> {
  const {configuredModel} = await import('../../telesales/configured.js')
  return configuredModel(ctx.config)
}

/** Stages and script hits of every transcribed call, then per-call aggregates joined with the call record. */
const telesales: Pipeline = {
  name: 'telesales',
  description: 'segment call transcripts into stages, detect script hits, per-call script summary',
  reads: ['raw_calls', 'raw_transcript_turns'],
  writes: ['call_stages', 'script_hits', 'call_script_scores', 'call_script_summary'],
  async fingerprint(ctx) {
    const model = await modelFor(ctx)
    return model ? `${(await libraryFor(ctx)).hash}+${model.hash}` : (await libraryFor(ctx)).hash
  },
  async run(ctx) {
    const library = await libraryFor(ctx)
    const model = await modelFor(ctx)
    const {analyzeTranscripts} = await import('./analyze.js')
    const result = await analyzeTranscripts(ctx.store, library, ctx.log, model?.model)
    const started = performance.now()
    await ctx.store.run(readSql(import.meta.url, 'summary.sql'))
    ctx.log(`  call_script_summary: ${Math.round(performance.now() - started)} ms`)
    return {
      rowsWritten: result.hits + result.stages,
      message: `${result.calls} calls, ${result.stages} stage runs, ${result.hits} script hits`,
    }
  },
}

export default telesales
