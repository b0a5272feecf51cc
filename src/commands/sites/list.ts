import {DataCommand} from '../../cli/base-command.js'

export default class SitesList extends DataCommand<typeof SitesList> {
  static description = 'List the sites in the database with their industry.'

  async run(): Promise<{sites: Array<Record<string, unknown>>}> {
    const {flags} = await this.parse(SitesList)
    const {listSites} = await import('../../sites/service.js')
    const store = await this.openStore(this.dbPath(flags.db))
    const sites = await listSites(store)
    this.table(sites)
    return {sites}
  }
}
