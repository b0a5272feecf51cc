import {DataCommand} from '../../cli/base-command.js'
import type {StatusRow} from '../../warehouse/service.js'

export default class WarehouseStatus extends DataCommand<typeof WarehouseStatus> {
  static description = 'Show which days and sites the ClickHouse warehouse holds, with their sessions, funnel steps and events.'
  static examples = ['<%= config.bin %> warehouse status', '<%= config.bin %> warehouse status --json']

  async run(): Promise<{url: string; shards: number; days: StatusRow[]}> {
    await this.parse(WarehouseStatus)
    const {openWarehouse, warehouseStatus} = await import('../../warehouse/service.js')
    const wh = openWarehouse(this.ccxConfig.config)
    const days = await warehouseStatus(wh)
    if (days.length === 0) this.progress(`the warehouse at ${wh.client.url} holds no days yet: run \`ccx warehouse publish\``)
    else this.table(days as unknown as Record<string, unknown>[])
    return {url: wh.client.url, shards: wh.shards.length, days}
  }
}
