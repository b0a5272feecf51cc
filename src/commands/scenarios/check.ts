import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {CcxError, EXIT} from '../../errors.js'
import type {ScenarioIssue} from '../../scenarios/validate.js'

export interface CheckOutput {
  file: string
  valid: boolean
  scenarios: number
  issues: ScenarioIssue[]
}

export default class ScenariosCheck extends BaseCommand<typeof ScenariosCheck> {
  static description =
    'Validate a scenarios file: JSON syntax, fields and values, duplicate ids, intents the intents file does not define, resource types the directory lacks. Errors name the line and the field; exit code 6 when invalid.'
  static examples = [
    '<%= config.bin %> scenarios check defaults/scenarios.json',
    '<%= config.bin %> scenarios check my-scenarios.json --json',
  ]
  static args = {file: Args.string({description: 'scenarios file (JSON); see docs/scenarios.md', required: true})}
  static flags = {
    intents: Flags.string({
      description: 'intents file whose intent ids conditions may use (default: config files.intents, else the shipped one)',
    }),
    directory: Flags.string({
      description:
        'resource directory to check resource types against (default: config files.directory, else fixtures/directory.json when present)',
    }),
  }

  async run(): Promise<CheckOutput> {
    const {args, flags} = await this.parse(ScenariosCheck)
    const {existsSync, readFileSync} = await import('node:fs')
    const {intentsPathFor, loadIntentsFile} = await import('../../enrich/intent/file.js')
    const {checkScenariosText} = await import('../../scenarios/validate.js')
    const {loadDirectory} = await import('../../scenarios/load.js')
    const {scenarioFiles} = await import('../../pipelines/scenarios/pipeline.js')
    if (!existsSync(args.file))
      throw new CcxError(`scenarios file not found: ${args.file}`, {code: 'SCENARIOS_MISSING', exit: EXIT.badInput})
    const knownIntents = [...loadIntentsFile(intentsPathFor(this.ccxConfig, flags.intents)).intents.map((i) => i.id), 'unknown']
    const directoryPath = (await scenarioFiles({config: this.ccxConfig}, {directory: flags.directory})).directory
    const directory = existsSync(directoryPath) ? loadDirectory(directoryPath) : undefined
    // questionnaire ids, when the file asks for surveys (docs/surveys.md)
    const {surveysPathFor, loadSurveysFile} = await import('../../surveys/load.js')
    const text = readFileSync(args.file, 'utf8')
    const surveysPath = surveysPathFor(this.ccxConfig)
    const surveys = text.includes('"survey"') && existsSync(surveysPath) ? loadSurveysFile(surveysPath).surveys.map((s) => s.id) : undefined
    const result = checkScenariosText(text, {knownIntents, directory, surveys})
    const out: CheckOutput = {
      file: args.file,
      valid: result.issues.length === 0,
      scenarios: result.file?.scenarios.length ?? 0,
      issues: result.issues,
    }
    if (!out.valid) {
      const lines = result.issues.map((i) => `${args.file}:${i.line}: ${i.field}: ${i.message}`)
      throw new CcxError(`${result.issues.length} problem(s) in ${args.file}:\n${lines.join('\n')}`, {
        code: 'SCENARIOS_INVALID',
        exit: EXIT.invalidConfig,
        suggestions: ['The file format is in docs/scenarios.md.'],
      })
    }
    this.log(`${args.file}: ${out.scenarios} scenarios, valid`)
    return out
  }
}
