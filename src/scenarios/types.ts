// The engine's own types; the shapes of scenario files, the resource directory and directives are in src/vocab (zod).

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
  /** serve: the event types of the batch being answered (the `on` condition). */
  events?: readonly string[]
}

/** Firing counts of one visitor, carried from call to call by the caller (serve keeps one per visitor). */
export interface LimitState {
  visitNumber: number | null
  pages: number | null
  total: {visitor: number; visit: number; pageview: number}
  byScenario: Record<string, {visitor: number; visit: number; pageview: number}>
}
