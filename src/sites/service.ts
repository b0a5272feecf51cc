import {readFileSync} from 'node:fs'
import {z} from 'zod'
import {CcxError, EXIT} from '../errors.js'
import type {Store} from '../store/store.js'

export const SiteRowSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  industry: z.string().optional(),
  domain: z.string().optional(),
})
export type SiteRow = z.infer<typeof SiteRowSchema>

/** Reads a sites file: a JSON array of {id, name, industry, domain}. */
export function readSitesFile(path: string): SiteRow[] {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new CcxError(`cannot read sites file ${path}: ${(error as Error).message}`, {code: 'SITES_INVALID', exit: EXIT.badInput})
  }
  const parsed = z.array(SiteRowSchema).safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new CcxError(`sites file ${path}: item ${issue.path.join('.')}: ${issue.message}`, {code: 'SITES_INVALID', exit: EXIT.badInput})
  }
  return parsed.data
}

/** Upserts sites (the industry tag pools sites for industry averages). */
export async function upsertSites(store: Store, sites: SiteRow[]): Promise<number> {
  for (const s of sites) {
    await store.run(
      `insert into sites values ($id, $name, $industry, $domain)
       on conflict (site) do update set name = excluded.name, industry = excluded.industry, domain = excluded.domain`,
      {id: s.id, name: s.name ?? null, industry: s.industry ?? null, domain: s.domain ?? null},
    )
  }
  if (sites.length > 0) await store.bumpTableVersion('sites')
  return sites.length
}

export async function listSites(
  store: Store,
): Promise<Array<{site: string; name: string | null; industry: string | null; domain: string | null}>> {
  return store.all('select * from sites order by site')
}
