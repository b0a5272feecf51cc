/** What the engine knows about a visitor at a page view (batch: at the end of a session). */
export interface ScenarioContext {
  intent: string | null
  confidence: number
  province: string | null
  city: string | null
  source: string | null
  medium: string | null
  term: string | null
  visitNumber: number
  dwellS: number
  pages: number
  url: string | null
  /** 0–23, site-local. */
  hour: number
  device: string | null
  /** The agent who served this visitor before, when known. */
  previousAgent?: string | null
}

export type ResourceType = 'repair_station' | 'dealer' | 'store' | 'partner'

export interface Resource {
  id: string
  type: ResourceType
  name: string
  province: string
  city: string
  address?: string
  phone?: string
  hours?: string
  url?: string
  tier?: string
}

export interface Directory {
  resources: Resource[]
}

export type RouteKind = 'skill_group' | 'local_partner' | 'previous_agent' | 'least_loaded'
export type DirectiveType = 'card' | 'invite' | 'route' | 'lead_form'

export interface Directive {
  scenarioId: string
  type: DirectiveType
  priority: number
  message?: string
  resource?: Resource
  route?: {kind: RouteKind; target: string}
}

export interface NumberRange {
  min?: number
  max?: number
}

/** All present conditions must hold (AND); list values are any-of (OR); strings compare case-insensitively. */
export interface Conditions {
  intent?: string[]
  minConfidence?: number
  province?: string[]
  city?: string[]
  source?: string[]
  medium?: string[]
  termContains?: string[]
  visitNumber?: NumberRange
  dwellS?: NumberRange
  pages?: NumberRange
  urlContains?: string[]
  /** from ≤ hour < to; wraps past midnight when from > to. */
  hour?: {from: number; to: number}
  device?: string[]
  hasPreviousAgent?: boolean
}

export interface ResourcePick {
  type: ResourceType | ResourceType[]
  /** Take a resource in the visitor's city, else province (`province`), else none. Default `city-then-province`. */
  near?: 'city' | 'city-then-province'
  /** Prefer this tier (e.g. "gold") among the candidates. */
  tier?: string
}

export interface RouteSpec {
  kind: RouteKind
  /** skill_group / least_loaded: the group; local_partner: taken from the resource; previous_agent: from the context. */
  target?: string
  /** Where to route when the kind cannot be resolved (no local partner, no previous agent). */
  fallback?: {kind: RouteKind; target: string}
}

export interface Action {
  type: DirectiveType
  /** May use {city}, {province}, {term}, {resource.name}, {resource.phone}, {resource.address}. */
  message?: string
  resource?: ResourcePick
  route?: RouteSpec
  /** When a resource is asked for and none is found: skip the action (default) or fire without it. */
  requireResource?: boolean
}

export interface Limits {
  perPageview?: number
  perVisit?: number
  perVisitor?: number
}

export interface Scenario {
  id: string
  description?: string
  priority: number
  enabled: boolean
  when: Conditions
  actions: Action[]
  limits: Limits
}

export interface ScenariosFile {
  version: 1
  /** Caps on all scenarios together. */
  limits: Limits
  scenarios: Scenario[]
}

/** Firing counts of one visitor, carried from call to call by the caller (serve keeps one per visitor). */
export interface LimitState {
  visitNumber: number | null
  pages: number | null
  total: {visitor: number; visit: number; pageview: number}
  byScenario: Record<string, {visitor: number; visit: number; pageview: number}>
}
