import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import type {FiredDirective, LiveVisitor} from '../serve/types.js'

export interface TopResult {
  /** Visitors seen in the last 5 minutes (`ccx_visitors_online` in /metrics). */
  online: number
  /** Directives fired since serve started, by type (`ccx_directives_total` in /metrics). */
  totals: Record<string, number>
  /** The most recent directives fired, newest first. */
  directives: FiredDirective[]
  visitors: LiveVisitor[]
}

export default class Top extends BaseCommand<typeof Top> {
  static description =
    'Live console of a running `ccx serve`: the directives fired (time, visitor, place, intent, directive) and the visitors on site, with the counts /metrics shows.'
  static examples = ['<%= config.bin %> top', '<%= config.bin %> top --url http://127.0.0.1:8788 --once --json']
  static flags = {
    url: Flags.string({description: "base URL of ccx serve's admin listener", default: 'http://127.0.0.1:8788'}),
    token: Flags.string({description: 'serve.adminToken, when the admin listener requires one', env: 'CCX_ADMIN_TOKEN'}),
    once: Flags.boolean({description: 'print what is on now and exit (no live console)'}),
  }

  async run(): Promise<TopResult> {
    const {flags} = await this.parse(Top)
    const liveUrl = flags.url.replace(/\/$/, '') + '/live'
    if (flags.once || this.jsonEnabled() || !process.stdout.isTTY) {
      const {followLive} = await import('../serve/live-client.js')
      const model = await import('../serve/top-model.js')
      const controller = new AbortController()
      let state = model.emptyTop()
      // the stream opens with the visitors, then the directives and counters: both, then done
      await followLive(
        liveUrl,
        {
          snapshot: (visitors) => (state = model.reduceTop(state, {type: 'snapshot', visitors})),
          directives: (value) => {
            state = model.reduceTop(state, {type: 'directives', value})
            controller.abort()
          },
        },
        {signal: controller.signal, token: flags.token},
      ).catch((e: Error) => {
        if (!controller.signal.aborted) this.error(`cannot read ${liveUrl}: ${e.message}`, {exit: 1})
      })
      const result: TopResult = {
        online: state.visitors.size,
        totals: {...state.totals},
        directives: [...state.recent].reverse(),
        visitors: model.visitorsByRecency(state),
      }
      if (!this.jsonEnabled()) {
        const total = model.totalFired(state)
        const {terminalSafe} = await import('../format/safe.js')
        const byType = total ? `: ${terminalSafe(model.firedByType(state))}` : ''
        this.log(`${result.online} visitors on site · ${total} directives fired since serve started${byType}`)
        this.log('\nDirectives fired (newest first)')
        this.table(
          result.directives.map((d) => ({
            time: model.clock(d.ts),
            visitor: d.visitorId,
            place: model.placeOf(d),
            intent: d.intent,
            directive: d.type,
            scenario: d.scenarioId,
            agent: d.agentId,
          })),
        )
        this.log('\nVisitors on site')
        this.table(
          result.visitors.map((v) => ({
            visitor: v.visitorId,
            place: model.placeOf(v),
            intent: v.intent,
            source: v.source,
            term: v.term,
            visit: v.visitNumber,
            directives: v.directives.join(', '),
          })),
        )
      }
      return result
    }
    // Ink draws only the last frame when CI is set (a CI runner's env reaches a terminal it opens): in a terminal
    // the console must stay live, so Ink is not told.
    if (process.stdout.isTTY) for (const k of ['CI', 'CONTINUOUS_INTEGRATION']) delete process.env[k]
    const React = await import('react')
    const {render} = await import('ink')
    const {TopView} = await import('../serve/top-view.js')
    const app = render(React.createElement(TopView, {url: liveUrl, token: flags.token}))
    await app.waitUntilExit()
    return {online: 0, totals: {}, directives: [], visitors: []}
  }
}
