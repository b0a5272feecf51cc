/**
 * One colour per meaning across the whole report: a value (a funnel measure, a medium, an engine, a flag, a service
 * status…) has the same colour in every chart it appears in, and "other" (series folded away) is always grey. Values
 * without an entry get a colour from their name (the same name, the same colour), moved on within a chart only when
 * two of its values would share one. Charts give the scale explicitly (`colorScale`), so an exported spec keeps them.
 */
const MEANINGS: Record<string, string> = {
  // the funnel, in every chart that shows it (overview by day, funnel, tiles' order)
  visitors: '#4c78a8',
  traffic: '#4c78a8',
  sessions: '#4c78a8',
  inquiries: '#f58518',
  chat_requests: '#f58518',
  leads: '#54a24b',
  orders: '#b279a2',
  // traffic mediums
  search: '#439894',
  direct: '#79706e',
  social: '#d67195',
  paid: '#b79a20',
  referral: '#9e765f',
  email: '#83bcb6',
  internal: '#bab0ac',
  // search engines
  Baidu: '#e45756',
  Sogou: '#ffbf79',
  '360 Search': '#88d27a',
  Shenma: '#f2cf5b',
  Bing: '#9ecae9',
  Google: '#fcbfd2',
  // keyword flags: below is bad, above good, the rest neutral
  below: '#c62828',
  above: '#1a7f37',
  'within noise': '#8c8c8c',
  'too few visitors': '#c9b458',
  'no reference': '#d0d0d0',
  // service
  answered: '#83bcb6',
  abandoned: '#ff9d98',
  'service level': '#439894',
  'abandon rate': '#e45756',
  // attribution models
  first: '#9ecae9',
  last: '#ffbf79',
  linear: '#88d27a',
  time_decay: '#f2cf5b',
  position: '#d6a5c9',
  first_touch: '#9ecae9',
  last_touch: '#ffbf79',
  'position-based_(40/20/40)': '#d6a5c9',
  // significance and direction (telesales)
  'not significant': '#8c8c8c',
  'q < 0.05': '#d62728',
  'more in sales': '#1a7f37',
  'more in non-sales': '#f58518',
}

/** The series folded into one (more than `MAX_SERIES`): always this name and this grey. */
export const OTHER = 'other'
const OTHER_COLOUR = '#bdbdbd'
/** Series drawn per chart before the rest is folded into "other" (the chart says so). */
export const MAX_SERIES = 8

/** Colours for values without a meaning of their own (none of them grey: grey is "other"). */
const SPARE = [
  '#4c78a8',
  '#f58518',
  '#e45756',
  '#72b7b2',
  '#54a24b',
  '#eeca3b',
  '#b279a2',
  '#ff9da6',
  '#9d755d',
  '#1f77b4',
  '#8c564b',
  '#17becf',
]

function hash(text: string): number {
  let h = 0x811c9dc5
  for (const ch of text) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0
  return h
}

/** The colour a value has everywhere (`OTHER` grey; a named meaning its own; any other value one from its name). */
export function colourOf(value: string): string {
  if (value === OTHER) return OTHER_COLOUR
  return meaning(value) ?? SPARE[hash(value) % SPARE.length]
}

/** A value's meaning colour, by its raw name or its label ("Chat requests" is chat_requests). */
function meaning(value: string): string | undefined {
  return MEANINGS[value] ?? MEANINGS[value.toLowerCase().replaceAll(' ', '_')]
}

/** A Vega-Lite colour scale for these values, in this order: domain and range, each value its meaning's colour. */
export function colorScale(values: Iterable<string>): {domain: string[]; range: string[]} {
  const domain = [...new Set(values)]
  const used = new Set<string>()
  const range = domain.map((v) => {
    let c = colourOf(v)
    // two values of one chart never share a colour: a value without a meaning moves to the next spare one
    if (used.has(c) && meaning(v) === undefined && v !== OTHER) {
      const start = SPARE.indexOf(c)
      for (let i = 1; i <= SPARE.length && used.has(c); i++) c = SPARE[(start + i) % SPARE.length]
    }
    used.add(c)
    return c
  })
  return {domain, range}
}

/**
 * The `MAX_SERIES` largest keys (by weight, ties by name) and how many were folded into "other"; `note` says so for a
 * chart's subtitle ("… 7 more sources folded into other").
 */
export function topSeries(
  weights: Map<string, number>,
  what: string,
  max = MAX_SERIES,
): {keep: Set<string>; folded: number; note: string | null} {
  const ranked = [...weights].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k]) => k)
  const keep = new Set(ranked.length > max ? ranked.slice(0, max) : ranked)
  const folded = ranked.length - keep.size
  return {
    keep,
    folded,
    note: folded > 0 ? `the ${max} largest ${what}; ${folded} more folded into "${OTHER}" (the table has them all)` : null,
  }
}

/** Every day from the first to the last of `days` (YYYY-MM-DD, any order), in order: a date axis has no holes. */
export function everyDay(days: Iterable<string>): string[] {
  const sorted = [...new Set(days)].filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort()
  if (sorted.length === 0) return []
  const out: string[] = []
  const last = Date.parse(`${sorted.at(-1)}T00:00:00Z`)
  for (let t = Date.parse(`${sorted[0]}T00:00:00Z`); t <= last; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10))
  return out
}
