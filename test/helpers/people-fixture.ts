// The planted people of fixtures/samples/people (its README lists them and the hand-computed answers), loaded through
// the real ingest (contacts hashed as ingest hashes them) and the pipelines reports read: normalize, identities, intents.
import {join} from 'node:path'
import {ingestFiles} from '../../src/ingest/service.js'
import type {Store} from '../../src/store/store.js'
import {ROOT} from './cli.js'
import {runPipeline} from './pipelines.js'

export const PEOPLE_DIR = join(ROOT, 'fixtures/samples/people')
export const PEOPLE_FILES = [
  ['probe', 'probe_events.csv'],
  ['chats', 'chats.ndjson'],
  ['calls', 'calls.csv'],
  ['leads', 'leads.csv'],
  ['orders', 'orders.csv'],
] as const

export async function loadPeople(store: Store): Promise<void> {
  for (const [source, file] of PEOPLE_FILES) {
    const r = await ingestFiles(store, {source, paths: [join(PEOPLE_DIR, file)]})
    for (const f of r.files) if (f.quarantined > 0) throw new Error(`${file}: ${f.quarantined} rows quarantined`)
  }
  await runPipeline(store, ['identities', 'intents'])
}

/** Every id of the planted person Li (two devices, a member login, a chat with a typed number, a call, an order). */
export const LI_IDS = [
  'v-li-phone',
  'v-li-pc',
  'm-2001',
  'C-2001',
  '13812345678',
  '+86 138-1234-5678',
  '0086 13812345678',
  'chat-li-1',
  'lead-li-1',
  'call-li-1',
  'ord-li-1',
  'customer:C-2001',
]
