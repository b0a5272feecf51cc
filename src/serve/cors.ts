/**
 * Which browser origins may post for which site (docs/serve.md, "Security"). A site's origins are its
 * `allowedOrigins` plus `https://` and `http://` of its `domain` (with and without `www.`). A request without an
 * Origin header is not a cross-origin browser request and passes; an origin is echoed back only when it is allowed.
 * `anyOrigin` (config `serve.corsAnyOrigin`) is the development override: every origin passes.
 */
export interface SiteAccess {
  key?: string
  /** Origins as browsers send them: scheme://host[:port]. */
  origins: ReadonlySet<string>
}

export interface SiteConfigLike {
  id: string
  key?: string
  domain?: string
  allowedOrigins?: string[]
}

/** A site's origins from its config. */
export function siteOrigins(site: SiteConfigLike): Set<string> {
  const origins = new Set((site.allowedOrigins ?? []).map((o) => o.trim().replace(/\/+$/, '')))
  const domain = site.domain
    ?.trim()
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '')
    .toLowerCase()
  if (domain) {
    const bare = domain.replace(/^www\./, '')
    for (const host of [bare, `www.${bare}`]) for (const scheme of ['https', 'http']) origins.add(`${scheme}://${host}`)
  }
  return origins
}

export function siteAccessMap(sites: readonly SiteConfigLike[]): Map<string, SiteAccess> {
  return new Map(sites.map((s) => [s.id, {key: s.key, origins: siteOrigins(s)}]))
}

export class OriginPolicy {
  /** Every site's origins: a preflight does not say which site it is for. */
  private readonly all = new Set<string>()

  constructor(
    private readonly sites: ReadonlyMap<string, SiteAccess>,
    private readonly anyOrigin: boolean,
  ) {
    for (const s of sites.values()) for (const o of s.origins) this.all.add(o)
  }

  /** With no sites configured (development) every origin passes, as every site does. */
  private get open(): boolean {
    return this.anyOrigin || this.sites.size === 0
  }

  /** May a preflight from `origin` go ahead (for some site)? */
  preflight(origin: string): boolean {
    return this.open || this.all.has(origin)
  }

  /** May a request of `site` come from `origin` (undefined: not a cross-origin browser request)? */
  allows(site: SiteAccess | undefined, origin: string | undefined): boolean {
    return origin === undefined || this.open || (site !== undefined && site.origins.has(origin))
  }

  /** The headers of an allowed cross-origin answer. */
  headers(origin: string, requestedHeaders?: string): Record<string, string> {
    return {
      'access-control-allow-origin': origin,
      vary: 'Origin',
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': requestedHeaders && /^[\w\-, ]{1,200}$/.test(requestedHeaders) ? requestedHeaders : 'content-type',
      'access-control-max-age': '600',
    }
  }
}
