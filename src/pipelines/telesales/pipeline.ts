import type {Library} from '../../telesales/library.js'
import {readSql} from '../../store/store.js'
import type {Pipeline, PipelineContext} from '../types.js'

async function libraryFor(ctx: PipelineContext): Promise<Library> {
  const {loadLibrary} = await import('../../telesales/library.js')
  const {resolveFrom} = await import('../../config/load.js')
  const file = ctx.config.config.files.scripts
  return file ? loadLibrary(resolveFrom(ctx.config.baseDir, file)) : loadLibrary()
}

/** Stages and script hits of every transcribed call, then per-call aggregates joined with the call record. */
const telesales: Pipeline = {
  name: 'telesales',
  description: 'segment call transcripts into stages, detect script hits, per-call script summary',
  reads: ['raw_calls', 'raw_transcript_turns'],
  writes: ['call_stages', 'script_hits', 'call_script_summary'],
  async fingerprint(ctx) {
    return (await libraryFor(ctx)).hash
  },
  async run(ctx) {
    const library = await libraryFor(ctx)
    const {analyzeTranscripts} = await import('./analyze.js')
    const result = await analyzeTranscripts(ctx.store, library, ctx.log)
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
