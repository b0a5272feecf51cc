import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import type {LiveVisitor} from '../serve/types.js'

export default class Top extends BaseCommand<typeof Top> {
  static description = 'Live console of a running `ccx serve`: visitors on site now, their place, intent and the directives fired.'
  static examples = ['<%= config.bin %> top', '<%= config.bin %> top --url http://127.0.0.1:8788 --once --json']
  static flags = {
    url: Flags.string({description: "base URL of ccx serve's admin listener", default: 'http://127.0.0.1:8788'}),
    token: Flags.string({description: 'serve.adminToken, when the admin listener requires one', env: 'CCX_ADMIN_TOKEN'}),
    once: Flags.boolean({description: 'print the visitors on site now and exit (no live console)'}),
  }

  async run(): Promise<{visitors: LiveVisitor[]}> {
    const {flags} = await this.parse(Top)
    const liveUrl = flags.url.replace(/\/$/, '') + '/live'
    if (flags.once || this.jsonEnabled() || !process.stdout.isTTY) {
      const {followLive} = await import('../serve/live-client.js')
      const controller = new AbortController()
      let visitors: LiveVisitor[] = []
      await followLive(
        liveUrl,
        (s) => {
          visitors = s
          controller.abort()
        },
        () => {},
        controller.signal,
        flags.token,
      ).catch((e: Error) => {
        if (!controller.signal.aborted) this.error(`cannot read ${liveUrl}: ${e.message}`, {exit: 1})
      })
      this.table(
        visitors.map((v) => ({
          visitor: v.visitorId,
          city: v.city,
          intent: v.intent,
          source: v.source,
          term: v.term,
          visit: v.visitNumber,
          directives: v.directives.join(', '),
        })),
      )
      return {visitors}
    }
    const React = await import('react')
    const {render} = await import('ink')
    const {TopView} = await import('../serve/top-view.js')
    const app = render(React.createElement(TopView, {url: liveUrl, token: flags.token}))
    await app.waitUntilExit()
    return {visitors: []}
  }
}
