import {Flags} from '@oclif/core'
import {DataCommand} from '../../cli/base-command.js'
import type {PublishResult} from '../../warehouse/service.js'

export default class WarehousePublish extends DataCommand<typeof WarehousePublish> {
  static description = `Publish the normalized tables and marketing marts day by day to the ClickHouse warehouse (config warehouse.clickhouse).

Each day (and site) is replaced: re-publishing a day never doubles it. Only the days whose rows changed since the last
publish are sent (the warehouse records a fingerprint of each day and site); --all sends every day of the range.
Tables are sharded by visitor across the
cluster's shards; \`ccx report funnel|keywords|sources|geo|overview --warehouse\` then reads them. docs/scale.md.`
  static examples = [
    '<%= config.bin %> warehouse publish',
    '<%= config.bin %> warehouse publish --from yesterday --to yesterday',
    '<%= config.bin %> warehouse publish --all --from 2026-11-01',
    '<%= config.bin %> warehouse publish --from 2026-11-01 --to 2026-11-30 --site canon-sz --json',
  ]
  static flags = {
    from: Flags.string({description: 'first day to publish (default: the first day with data)'}),
    to: Flags.string({description: 'last day to publish, inclusive (default: the last day with data)'}),
    site: Flags.string({description: 'only this site (its rows of each day are replaced; rows without a site are left)'}),
    all: Flags.boolean({description: 'send every day of the range, also those unchanged since the last publish'}),
    wait: Flags.integer({description: 'seconds to wait while another ccx process writes the database', default: 120}),
  }

  async run(): Promise<PublishResult> {
    const {flags} = await this.parse(WarehousePublish)
    const {parseRange} = await import('../../reports/range.js')
    const range = parseRange({from: flags.from, to: flags.to}, {timeZone: this.ccxConfig.config.timezone})
    const {openWarehouse, publish} = await import('../../warehouse/service.js')
    const wh = openWarehouse(this.ccxConfig.config)
    const store = await this.openStoreWaiting(this.dbPath(flags.db), {readOnly: true, waitS: flags.wait})
    // stale marts would be copied as they are: the same freshness check as the reports, but refusing
    const {stalePipelines} = await import('../../cli/freshness.js')
    const stale = await stalePipelines(store, this.ccxConfig, {
      tables: [],
      pipelines: ['normalize', 'marketing-marts'],
      optional: ['intents'],
    })
    if (stale.length > 0) {
      const {CcxError, EXIT} = await import('../../errors.js')
      throw new CcxError(
        `not published: ${stale.map((s) => `${s.pipeline} (${s.state})`).join(', ')} — the warehouse would get out-of-date rows`,
        {
          code: 'STALE_PIPELINES',
          exit: EXIT.failure,
          suggestions: [`Run \`ccx run\` first, then \`ccx warehouse publish\`.`],
        },
      )
    }
    const result = await publish(store, wh, {
      from: range.from,
      to: range.to,
      site: flags.site,
      all: flags.all,
      log: (m) => this.progress(m),
    })
    this.log(
      `published ${result.days.length} days, ${result.rows} rows to ${result.url} (${result.shards} shard${result.shards === 1 ? '' : 's'})` +
        (result.unchanged > 0 ? `; ${result.unchanged} unchanged days not sent` : ''),
    )
    return result
  }
}
