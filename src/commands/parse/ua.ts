import {Args} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import type {UserAgentInfo} from '../../enrich/ua.js'

export default class ParseUa extends BaseCommand<typeof ParseUa> {
  static description =
    'Parse user-agent strings: browser, OS, device type (desktop, mobile, tablet, bot, other), brand, model, in-app browser (WeChat, QQ, Douyin…) and bot flag.'
  static examples = [
    '<%= config.bin %> parse ua "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)" --json',
  ]
  static strict = false
  static args = {ua: Args.string({description: 'user-agent strings (quote each one)', required: true})}

  async run(): Promise<UserAgentInfo[]> {
    const {argv} = await this.parse(ParseUa)
    const {parseUserAgent} = await import('../../enrich/ua.js')
    const results = (argv as string[]).map((ua) => parseUserAgent(ua))
    this.table(
      results.map((r) => ({...r})),
      ['ua', 'browser', 'os', 'deviceType', 'brand', 'model', 'app', 'isBot', 'botName'],
    )
    return results
  }
}
