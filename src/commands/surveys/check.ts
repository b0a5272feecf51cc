import {Args} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {CcxError, EXIT} from '../../errors.js'
import type {SurveyIssue} from '../../surveys/check.js'

export interface SurveysCheckOutput {
  file: string
  valid: boolean
  questionnaires: Array<{id: string; version: number; questions: number; languages: string[]; campaigns: string[]}>
  issues: SurveyIssue[]
}

export default class SurveysCheck extends BaseCommand<typeof SurveysCheck> {
  static description =
    'Validate a questionnaires file: JSON syntax, fields and values, question types, duplicate ids, skip rules to missing questions, texts for every language. Errors name the line and the field; exit code 6 when invalid.'
  static examples = ['<%= config.bin %> surveys check defaults/surveys.json', '<%= config.bin %> surveys check my-surveys.json --json']
  static args = {
    file: Args.string({description: 'questionnaires file (JSON); default: files.surveys from the config, else defaults/surveys.json'}),
  }

  async run(): Promise<SurveysCheckOutput> {
    const {args} = await this.parse(SurveysCheck)
    const {existsSync, readFileSync} = await import('node:fs')
    const {checkSurveysText} = await import('../../surveys/check.js')
    const {surveysInvalid, surveysPathFor} = await import('../../surveys/load.js')
    const file = surveysPathFor(this.ccxConfig, args.file)
    if (!existsSync(file)) throw new CcxError(`questionnaires file not found: ${file}`, {code: 'SURVEYS_MISSING', exit: EXIT.badInput})
    const result = checkSurveysText(readFileSync(file, 'utf8'))
    if (result.issues.length > 0 || !result.file) throw surveysInvalid(file, result.issues)
    const questionnaires = result.file.surveys.map((s) => ({
      id: s.id,
      version: s.version,
      questions: s.questions.length,
      languages: s.languages,
      campaigns: s.campaigns,
    }))
    this.table(questionnaires)
    this.progress(`${file}: ${questionnaires.length} questionnaire(s), valid`)
    return {file, valid: true, questionnaires, issues: []}
  }
}
