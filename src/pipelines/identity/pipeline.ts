import {createHash} from 'node:crypto'
import {readSql, renderSql} from '../../store/store.js'
import type {Pipeline} from '../types.js'

/** An identifier linked to more than this many other people's identifiers is shared (a switchboard, a demo account). */
export const MAX_LINKED_IDS = 50
/** An identifier found on more records than this is shared (a placeholder customer id on every call). */
export const MAX_RECORDS = 1000

const STAGED = ['customers__staged', 'customer_ids__staged', 'identity_blocked__staged']
const SCRATCH = ['idn_facts', 'idn_nodes', 'idn_rec', 'idn_blocked', 'idn_edges', 'idn_labels', 'idn_members', 'idn_anchor', 'idn_lone']

function linksSql(): string {
  return renderSql(readSql(import.meta.url, 'links.sql'), {max_linked_ids: MAX_LINKED_IDS, max_records: MAX_RECORDS})
}

/**
 * Persons across channels: visitor ids, member ids, customer ids, contact hashes and the records that name them
 * (calls, chats, leads, orders), linked deterministically into connected components (docs/metrics.md "Identity").
 */
const identities: Pipeline = {
  name: 'identities',
  description: 'link visitor, member and customer ids, phones, emails and WeChat ids into persons (customers, customer_ids)',
  reads: ['visitors', 'raw_probe_events', 'raw_calls', 'raw_conversations', 'raw_messages', 'raw_leads', 'raw_orders'],
  writes: ['customers', 'customer_ids', 'identity_blocked'],
  fingerprint: () => {
    const hash = createHash('sha256')
    hash.update(JSON.stringify([MAX_LINKED_IDS, MAX_RECORDS]))
    for (const f of ['links.sql', 'persons.sql', 'publish.sql']) hash.update(readSql(import.meta.url, f))
    return hash.digest('hex')
  },
  async stage(ctx) {
    const {components} = await import('./components.js')
    try {
      let t = Date.now()
      await ctx.store.run(linksSql())
      ctx.log(`  links: ${Date.now() - t} ms`)
      t = Date.now()
      const c = await components(ctx.store)
      ctx.log(`  components: ${c.nodes} identifiers, ${c.edges} links, ${c.components} persons (${Date.now() - t} ms)`)
      t = Date.now()
      await ctx.store.run(readSql(import.meta.url, 'persons.sql'))
      ctx.log(`  persons: ${Date.now() - t} ms`)
    } catch (error) {
      await ctx.store.run([...STAGED, ...SCRATCH].map((t) => `drop table if exists ${t};`).join('\n'))
      throw error
    }
  },
  async run(ctx) {
    await ctx.store.run(readSql(import.meta.url, 'publish.sql'))
    const persons = await ctx.store.scalar<number>('select count(*)::INTEGER from customers')
    const ids = await ctx.store.scalar<number>('select count(*)::INTEGER from customer_ids')
    const blocked = await ctx.store.scalar<number>('select count(*)::INTEGER from identity_blocked')
    return {rowsWritten: persons + ids, message: `${persons} persons, ${ids} identifiers, ${blocked} shared identifiers blocked`}
  },
}

export default identities
