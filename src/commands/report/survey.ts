import {Flags} from '@oclif/core'
import {ReportCommand, reportFlags, type Reported} from '../../cli/report-runner.js'
import {SURVEY_GROUPS, type SurveyGroup, type SurveyReport} from '../../reports/service/survey.js'

export default class ReportSurvey extends ReportCommand<typeof ReportSurvey> {
  static description = `Survey answers: questionnaires shown and answered (response rate), the answers to each question,
CSAT top-2-box and NPS with 95% intervals, the most frequent words of free-text answers with examples; by campaign,
intent, channel, agent (through the conversation) or period. Versions of a questionnaire stay apart. Answers that fit no
question of their version are left out and counted. Formulas: docs/metrics.md ("Surveys").`
  static examples = [
    '<%= config.bin %> report survey',
    '<%= config.bin %> report survey --survey post-chat --by agent --from 2026-03-01 --to 2026-04-01',
    '<%= config.bin %> report survey --by week --csv',
  ]
  static flags = {
    ...reportFlags,
    surveys: Flags.string({description: 'questionnaires file (default: files.surveys from the config, else defaults/surveys.json)'}),
    survey: Flags.string({description: 'only this questionnaire id'}),
    by: Flags.string({description: 'also break the figures down by', options: [...SURVEY_GROUPS]}),
    words: Flags.integer({description: 'frequent words shown per free-text question', default: 8, min: 0}),
  }

  async run(): Promise<Reported<SurveyReport>> {
    const {flags} = await this.parse(ReportSurvey)
    const {resolve} = await import('node:path')
    const {default: survey} = await import('../../reports/service/survey.js')
    return this.runReport(survey, flags, {
      surveysFile: flags.surveys ? resolve(flags.surveys) : undefined,
      survey: flags.survey,
      by: flags.by as SurveyGroup | undefined,
      words: flags.words,
    })
  }
}
