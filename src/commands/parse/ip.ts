import {Args} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import type {IpGeo} from '../../enrich/ip.js'

export default class ParseIp extends BaseCommand<typeof ParseIp> {
  static description = 'Look up IPv4/IPv6 addresses: country, province, city and ISP (ip2region, offline).'
  static examples = ['<%= config.bin %> parse ip 120.24.78.68 --json', '<%= config.bin %> parse ip 240e:47d:c20:1627:30a3:ba0d:a5e6:ec19']
  static strict = false
  static args = {ip: Args.string({description: 'IP addresses', required: true})}

  async run(): Promise<IpGeo[]> {
    const {argv} = await this.parse(ParseIp)
    const {lookupIp} = await import('../../enrich/ip.js')
    const results = (argv as string[]).map((ip) => lookupIp(ip))
    this.table(
      results.map((r) => ({...r})),
      ['ip', 'country', 'province', 'city', 'isp'],
    )
    return results
  }
}
