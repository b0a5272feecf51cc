import {anonymizeIp, type IpMode} from '../privacy/ip.js'
import {MAYBE_CONTACT_SOURCE, protectPropsText} from '../privacy/props.js'
import type {Store} from '../store/store.js'

/**
 * What `ingest probe` stores of visitors (docs/serve.md, "Security"), applied in the file's transaction before it
 * commits: contact values inside props masked and hashed (raw values to contacts_raw only with --keep-contacts), and
 * with `privacy.ip: truncate` every stored address truncated — this file's rows and any older ones stored before the
 * setting, with the parse map rows of the old addresses dropped (normalize rebuilds sessions from the raw table).
 * Each distinct value is handled once in TypeScript and written back by a join.
 */
export async function protectProbeRows(
  store: Store,
  ingestId: number,
  options: {ip: IpMode; keepContacts: boolean},
): Promise<{contacts: number; addresses: number}> {
  let contacts = 0
  const props = await store.all<{props: string}>(
    `select distinct props from raw_probe_events where ingest_id = $id and props is not null and regexp_matches(props, $re, 'i')`,
    {id: ingestId, re: MAYBE_CONTACT_SOURCE},
  )
  const propsMap: Array<[string, string]> = []
  const raw: Array<[string, string, string]> = []
  for (const {props: text} of props) {
    const p = protectPropsText(text)
    if (p.contacts.length === 0) continue
    propsMap.push([text, p.text])
    contacts += p.contacts.length
    for (const c of p.contacts) raw.push([c.kind, c.hash, c.normalized])
  }
  if (propsMap.length > 0) {
    await rewrite(store, 'props', propsMap, `ingest_id = ${Number(ingestId)}`)
    if (options.keepContacts) {
      await store.run('create or replace temp table ccx_props_contacts (kind VARCHAR, hash VARCHAR, value VARCHAR)')
      await store.append('ccx_props_contacts', raw.length, (a, k) => {
        for (const v of raw[k]!) a.appendVarchar(v)
      })
      await store.run('insert or ignore into contacts_raw select distinct kind, hash, value from ccx_props_contacts')
      await store.run('drop table ccx_props_contacts')
    }
  }

  let addresses = 0
  if (options.ip !== 'keep') {
    const ips = await store.all<{ip: string}>(`select distinct ip from raw_probe_events where ip is not null and ip <> ''`)
    const ipMap: Array<[string, string]> = []
    for (const {ip} of ips) {
      const stored = anonymizeIp(ip, options.ip)
      if (stored !== ip) ipMap.push([ip, stored])
    }
    if (ipMap.length > 0) {
      addresses = await rewrite(store, 'ip', ipMap, 'true')
      await store.run(`delete from ip_geo_map where ip in (select old from ccx_rewrite_map)`)
      await store.run('drop table ccx_rewrite_map')
      await store.bumpTableVersion('raw_probe_events')
    }
  }
  return {contacts, addresses}
}

/** Replaces values of one column of raw_probe_events by a map (old → new); returns the rows changed. */
async function rewrite(store: Store, column: 'props' | 'ip', map: Array<[string, string]>, where: string): Promise<number> {
  await store.run('create or replace temp table ccx_rewrite_map (old VARCHAR, new VARCHAR)')
  await store.append('ccx_rewrite_map', map.length, (a, k) => {
    a.appendVarchar(map[k]![0])
    a.appendVarchar(map[k]![1])
  })
  const result = await store.connection.run(
    `update raw_probe_events set ${column} = m.new from ccx_rewrite_map m where raw_probe_events.${column} = m.old and ${where}`,
  )
  if (column === 'props') await store.run('drop table ccx_rewrite_map')
  return Number(result.rowsChanged)
}
