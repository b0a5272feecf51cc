import {Flags} from '@oclif/core'
import {ReportCommand, reportFlags, type Reported} from '../../cli/report-runner.js'
import {percent} from '../../format/numbers.js'
import type {Recommendation} from '../../reports/telesales/analysis.js'

const pct = (x: number | null | undefined) => percent(x, 1, '')

export default class ScriptsRecommend extends ReportCommand<typeof ScriptsRecommend> {
  static summary = 'Recommend the scripts with the best evidence for a stage, and the agents who say them less than the team.'
  static description = `Recommends the scripts with the best evidence for a stage (ranked by the lower 95% bound of their log odds ratio), for a
segment of calls; and per agent, the stages where they say the working scripts clearly less often than the team.
A script "works" when its Benjamini–Hochberg q-value is below --alpha and its log odds ratio is positive.`
  static examples = [
    '<%= config.bin %> scripts recommend --stage objection',
    '<%= config.bin %> scripts recommend --stage closing --segment campaign=spring-printer --json',
  ]
  static flags = {
    ...reportFlags,
    stage: Flags.string({description: 'stage id from the script library', required: true}),
    segment: Flags.string({description: 'calls of one segment: key=value[,key=value] with key campaign, site, queue or agent'}),
    alpha: Flags.string({description: 'q-value below which a script counts as working', default: '0.1'}),
    'min-agent-calls': Flags.integer({description: 'agents with fewer calls are not assessed', default: 10}),
  }

  async run(): Promise<Reported<Recommendation>> {
    const {flags} = await this.parse(ScriptsRecommend)
    const {CcxError, EXIT} = await import('../../errors.js')
    const {configuredLibrary} = await import('../../telesales/configured.js')
    const {default: scripts} = await import('../../reports/telesales/scripts.js')
    const {loadAnalysisCalls, parseSegment} = await import('../../telesales/load.js')
    const {recommendScripts} = await import('../../reports/telesales/analysis.js')
    const library = await configuredLibrary(this.ccxConfig)
    if (!library.stages.some((s) => s.id === flags.stage)) {
      throw new CcxError(`unknown stage "${flags.stage}"`, {
        code: 'UNKNOWN_STAGE',
        exit: EXIT.usage,
        suggestions: [`Stages: ${library.stages.map((s) => s.id).join(', ')}`],
      })
    }
    parseSegment(flags.segment)
    await this.checkOutputs(flags)
    // the calls the scripts report analyses, read-only, with its freshness check (and --refresh)
    const {ctx, stale} = await this.openReport(flags, scripts.needs)
    const {from, to} = ctx.range
    const calls = await loadAnalysisCalls(ctx.store, {
      from: from ?? undefined,
      to: to ?? undefined,
      site: flags.site,
      segment: flags.segment,
    })
    const rec = recommendScripts(library, calls, {
      stage: flags.stage,
      segment: flags.segment,
      alpha: Number(flags.alpha),
      minAgentCalls: flags['min-agent-calls'],
    })
    await this.present(
      rec,
      {id: 'telesales/recommend', rows: () => recommendRows(rec), text: () => recommendText(rec), charts: () => []},
      flags,
      ctx.store,
    )
    return {...rec, stale}
  }
}

function recommendRows(rec: Recommendation) {
  return rec.scripts.map(({tags, ...s}) => ({...s, tags: tags.join(' ')}))
}

function recommendText(rec: Recommendation) {
  return [
    {
      title: `Stage ${rec.stage}${rec.segment ? ` (segment ${rec.segment})` : ''}: ${rec.calls} calls`,
      rows: rec.scripts.map((s) => ({
        script: s.scriptId,
        evidence: s.evidence,
        'hit rate': pct(s.hitRate),
        'conv hit': pct(s.convHit),
        'conv not': pct(s.convMiss),
        lift: s.lift === null ? '' : s.lift.toFixed(2),
        'log-odds low': s.logOddsLow.toFixed(2),
        q: s.qValue === null ? '' : s.qValue.toPrecision(2),
        tags: s.tags.join(' '),
      })),
    },
    ...(rec.agents.length > 0
      ? [
          {
            title: 'Agents who miss the scripts that work:',
            rows: rec.agents.flatMap((a) =>
              a.gaps.map((g) => ({
                agent: a.agentId,
                calls: a.calls,
                stage: g.stage,
                'agent rate': pct(g.agentRate),
                'team rate': pct(g.teamRate),
                scripts: g.workingScripts.join(' '),
              })),
            ),
          },
        ]
      : []),
  ]
}
