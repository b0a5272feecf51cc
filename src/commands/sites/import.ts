import {Args} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'

export default class SitesImport extends DataCommand<typeof SitesImport> {
  static description = 'Load or update sites and their industry tags from a JSON file ([{id, name, industry, domain}]).'
  static examples = ['<%= config.bin %> sites import fixtures/out/sites.json']
  static args = {file: Args.string({required: true, description: 'sites JSON file'})}

  async run(): Promise<{imported: number}> {
    const {args, flags} = await this.parse(SitesImport)
    const {readSitesFile, upsertSites} = await import('../../sites/service.js')
    const sites = readSitesFile(args.file)
    const store = await this.openStore(this.dbPath(flags.db))
    const imported = await upsertSites(store, sites)
    this.log(`imported ${imported} sites`)
    return {imported}
  }
}
