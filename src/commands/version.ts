import {BaseCommand} from '../cli/base-command.js'

export interface VersionResult {
  name: string
  version: string
  node: string
  platform: string
  arch: string
}

export default class Version extends BaseCommand<typeof Version> {
  static description = 'Print the version of ccx (the same line as `ccx --version`), of Node and the platform.'
  static examples = ['<%= config.bin %> version', '<%= config.bin %> version --json']

  async run(): Promise<VersionResult> {
    await this.parse(Version)
    this.log(this.config.userAgent)
    return {
      name: this.config.name,
      version: this.config.version,
      node: process.versions.node,
      platform: process.platform,
      arch: process.arch,
    }
  }
}
