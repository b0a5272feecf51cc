/**
 * The pipelines `ccx run` knows (src/pipelines/<folder>/pipeline.ts; a test keeps this list equal to what the registry
 * loads), so the config can reject a job step naming another before anything runs.
 */
export const PIPELINE_NAMES = ['normalize', 'identities', 'intents', 'scenarios', 'marketing-marts', 'service', 'telesales'] as const
export type PipelineName = (typeof PIPELINE_NAMES)[number]
