import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import type {ReferrerClass} from '../../enrich/referrer.js'

export interface ParsedReferrer {
  url: string
  medium: ReferrerClass['medium']
  source: string | null
  term: string | null
  termRaw: string | null
  campaign: string | null
}

export default class ParseReferrer extends BaseCommand<typeof ParseReferrer> {
  static description =
    'Classify referrer URLs: medium (search, social, email, paid, internal, referral, direct), source and search keyword.'
  static examples = [
    '<%= config.bin %> parse referrer "https://www.baidu.com/s?wd=%BC%D1%C4%DC%CE%AC%D0%DE%D5%BE" --json',
    '<%= config.bin %> parse referrer "https://www.google.com/" --landing "https://shop.example.cn/?utm_source=google&utm_medium=cpc&utm_campaign=spring"',
  ]
  static strict = false
  static args = {url: Args.string({description: 'referrer URLs (an empty string means no referrer)', required: true})}
  static flags = {
    landing: Flags.string({
      description: 'landing page URL: its utm_* / click ids win over the referrer, and its host makes a same-host referrer internal',
    }),
    domain: Flags.string({description: "the site's own domain (referrers from it are internal)", multiple: true}),
  }

  async run(): Promise<ParsedReferrer[]> {
    const {argv, flags} = await this.parse(ParseReferrer)
    const {classifyReferrer} = await import('../../enrich/referrer.js')
    const siteDomains = [
      ...(flags.domain ?? []),
      ...this.ccxConfig.config.sites.map((s) => s.domain).filter((d): d is string => Boolean(d)),
    ]
    const results = (argv as string[]).map((url) => {
      const c = classifyReferrer(url, {landingUrl: flags.landing, siteDomains})
      return {url, medium: c.medium, source: c.source, term: c.term, termRaw: c.termRaw, campaign: c.campaign}
    })
    this.table(
      results.map((r) => ({...r})),
      ['url', 'medium', 'source', 'term', 'termRaw', 'campaign'],
    )
    return results
  }
}
