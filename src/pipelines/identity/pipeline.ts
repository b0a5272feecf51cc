import {createHash} from 'node:crypto'
import {readSql, renderSql} from '../../store/store.js'
import {runInfo, upstreamVisitors} from '../changes.js'
import type {Pipeline} from '../types.js'

/** An identifier linked to more than this many other people's identifiers is shared (a switchboard, a demo account). */
export const MAX_LINKED_IDS = 50
/** An identifier found on more records than this is shared (a placeholder customer id on every call). */
export const MAX_RECORDS = 1000

const STAGED = ['customers__staged', 'customer_ids__staged', 'identity_blocked__staged', 'identity_named__staged']
const SCRATCH = [
  'idn_facts',
  'idn_nodes',
  'idn_rec',
  'idn_blocked',
  'idn_edges',
  'idn_labels',
  'idn_members',
  'idn_anchor',
  'idn_lone',
  'idn_upstream',
  'idn_affected',
]

function linksSql(): string {
  return renderSql(readSql(import.meta.url, 'links.sql'), {max_linked_ids: MAX_LINKED_IDS, max_records: MAX_RECORDS})
}

/**
 * Persons across channels: visitor ids, member ids, customer ids, contact hashes and the records that name them
 * (calls, chats, leads, orders), linked deterministically into connected components (docs/metrics.md "Identity").
 * Incremental: the linked persons are recomputed from the records (few next to the visitors); the visitors no record
 * names, a person each, are replaced only for the visitors normalize re-did and those records started or stopped naming.
 */
const identities: Pipeline = {
  name: 'identities',
  description: 'link visitor, member and customer ids, phones, emails and WeChat ids into persons (customers, customer_ids)',
  reads: ['visitors', 'raw_probe_events', 'raw_calls', 'raw_conversations', 'raw_messages', 'raw_leads', 'raw_orders'],
  writes: ['customers', 'customer_ids', 'identity_blocked', 'identity_named'],
  incremental: true,
  // the records are read whole every run (the linked persons); the visitors through normalize's log
  follows: ['raw_probe_events', 'raw_calls', 'raw_conversations', 'raw_messages', 'raw_leads', 'raw_orders'],
  fingerprint: () => {
    const hash = createHash('sha256')
    hash.update(JSON.stringify([MAX_LINKED_IDS, MAX_RECORDS]))
    for (const f of ['links.sql', 'persons.sql', 'affected.sql', 'publish.sql', 'publish_delta.sql'])
      hash.update(readSql(import.meta.url, f))
    return hash.digest('hex')
  },
  async stage(ctx) {
    const {components} = await import('./components.js')
    const run = runInfo(ctx, 'identities')
    try {
      let t = Date.now()
      await ctx.store.run(linksSql())
      ctx.log(`  links: ${Date.now() - t} ms`)
      t = Date.now()
      const c = await components(ctx.store)
      ctx.log(`  components: ${c.nodes} identifiers, ${c.edges} links, ${c.components} persons (${Date.now() - t} ms)`)
      t = Date.now()
      let lone = 'true'
      if (!run.full) {
        await upstreamVisitors(ctx, 'idn_upstream')
        await ctx.store.run(readSql(import.meta.url, 'affected.sql'))
        lone = 'visitor_id in (select visitor_id from idn_affected)'
        ctx.log(`  ${await ctx.store.scalar<number>('select count(*)::INTEGER from idn_affected')} lone visitors to re-do`)
      }
      await ctx.store.run(renderSql(readSql(import.meta.url, 'persons.sql'), {lone, temp: run.full ? '' : 'temp'}))
      ctx.log(`  persons: ${Date.now() - t} ms`)
    } catch (error) {
      await ctx.store.run([...STAGED, ...SCRATCH].map((t) => `drop table if exists ${t};`).join('\n'))
      throw error
    }
  },
  async run(ctx) {
    await ctx.store.run(readSql(import.meta.url, runInfo(ctx, 'identities').full ? 'publish.sql' : 'publish_delta.sql'))
    const persons = await ctx.store.scalar<number>('select count(*)::INTEGER from customers')
    const ids = await ctx.store.scalar<number>('select count(*)::INTEGER from customer_ids')
    const blocked = await ctx.store.scalar<number>('select count(*)::INTEGER from identity_blocked')
    return {rowsWritten: persons + ids, message: `${persons} persons, ${ids} identifiers, ${blocked} shared identifiers blocked`}
  },
}

export default identities
