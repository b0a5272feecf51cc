import type {Directory, Resource, ResourceType} from '../vocab/directives.js'
import type {ResourcePick} from '../vocab/scenarios.js'

/** "深圳市" and "深圳" name the same place: compare without the administrative suffix. */
export function placeKey(name: string | null | undefined): string {
  if (!name) return ''
  return name
    .trim()
    .toLowerCase()
    .replace(/(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|地区|省|市|盟)$/u, '')
}

export interface DirectoryIndex {
  byCity: Map<string, Resource[]>
  byProvince: Map<string, Resource[]>
  size: number
}

export function indexDirectory(directory: Directory): DirectoryIndex {
  const byCity = new Map<string, Resource[]>()
  const byProvince = new Map<string, Resource[]>()
  for (const r of directory.resources) {
    const c = placeKey(r.city)
    const p = placeKey(r.province)
    if (c) byCity.set(c, [...(byCity.get(c) ?? []), r])
    if (p) byProvince.set(p, [...(byProvince.get(p) ?? []), r])
  }
  return {byCity, byProvince, size: directory.resources.length}
}

/** The first resource of the wanted type in the visitor's city (then province); a preferred tier wins; ties by id. */
export function findResource(
  index: DirectoryIndex,
  pick: ResourcePick,
  city: string | null,
  province: string | null,
): Resource | undefined {
  const types = new Set<ResourceType>(Array.isArray(pick.type) ? pick.type : [pick.type])
  const choose = (list: Resource[] | undefined) => {
    const candidates = (list ?? []).filter((r) => types.has(r.type))
    if (candidates.length === 0) return undefined
    return candidates.slice().sort((a, b) => {
      const ta = pick.tier && a.tier === pick.tier ? 0 : 1
      const tb = pick.tier && b.tier === pick.tier ? 0 : 1
      return ta - tb || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
    })[0]
  }
  const inCity = city ? choose(index.byCity.get(placeKey(city))) : undefined
  if (inCity || pick.near === 'city') return inCity
  return province ? choose(index.byProvince.get(placeKey(province))) : undefined
}
