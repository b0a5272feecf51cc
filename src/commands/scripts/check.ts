import {Args} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'

export interface ScriptsCheckResult {
  file: string
  valid: true
  stages: Array<{stage: string; scripts: number; phrasings: number}>
  scripts: number
  consequenceScripts: string[]
  matchThreshold: number
}

export default class ScriptsCheck extends BaseCommand<typeof ScriptsCheck> {
  static description = `Validate a telesales script library (stages in order, scripts with id, tags and phrasings).

Errors name the line and field; exit code 6 when the file is invalid. Format: docs/metrics.md "Telesales scripts".`
  static examples = ['<%= config.bin %> scripts check defaults/scripts.json', '<%= config.bin %> scripts check my-scripts.json --json']
  static args = {file: Args.string({description: 'script library JSON file', required: true})}

  async run(): Promise<ScriptsCheckResult> {
    const {args} = await this.parse(ScriptsCheck)
    const {resolve} = await import('node:path')
    const {loadLibrary} = await import('../../telesales/library.js')
    const file = resolve(args.file)
    const library = loadLibrary(file)
    const stages = library.stages.map((s) => ({
      stage: s.id,
      scripts: s.scriptIds.length,
      phrasings: library.scripts.filter((x) => x.stage === s.id).reduce((n, x) => n + x.phrasings.length, 0),
    }))
    this.table(stages)
    this.log(
      `✓ ${file} is a valid script library: ${library.stages.length} stages, ${library.scripts.length} scripts, match threshold ${library.matchThreshold}.`,
    )
    return {
      file,
      valid: true,
      stages,
      scripts: library.scripts.length,
      consequenceScripts: library.scripts.filter((s) => s.consequence).map((s) => s.id),
      matchThreshold: library.matchThreshold,
    }
  }
}
