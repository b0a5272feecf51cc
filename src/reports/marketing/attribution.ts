import {colorScale, OTHER, topSeries} from '../../charts/series.js'
import {label} from '../../format/labels.js'
import {CcxError, EXIT} from '../../errors.js'
import {readSql, renderSql, type Store} from '../../store/store.js'
import {requireTables} from '../common.js'
import {sqlRange, type DateRange} from '../range.js'
import {round} from '../../format/numbers.js'
import {defineReport, rangeOptions, type Row} from '../contract.js'
import {num, stepsCte} from './common.js'

export const ATTRIBUTION_MODELS = ['first', 'last', 'linear', 'time_decay', 'position'] as const
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number]

/** Channel of a touch (a session): medium, source, both, or campaign. */
export const CHANNELS: Record<string, string> = {
  medium_source: "coalesce(s.medium, 'direct') || coalesce(' / ' || s.source, '')",
  medium: "coalesce(s.medium, 'direct')",
  source: "coalesce(s.source, coalesce(s.medium, 'direct'))",
  campaign: "coalesce(s.campaign, '(no campaign)')",
}

export interface Touch {
  channel: string
  /** Seconds from the touch (session start) to the conversion. */
  age_s: number
}

/**
 * Credit of each touch of one path (oldest first) under a model; the credits sum to 1.
 * first/last: all to the first/last touch; linear: 1/n each; time_decay: weight 2^(−age/half-life), normalized;
 * position: 40% first, 40% last, 20% shared by the middle touches (two touches: 50/50; one: 100%).
 */
export function touchCredits(path: Touch[], model: AttributionModel, halfLifeS = 7 * 86400): number[] {
  const n = path.length
  if (n === 0) return []
  if (n === 1) return [1]
  switch (model) {
    case 'first':
      return path.map((_, i) => (i === 0 ? 1 : 0))
    case 'last':
      return path.map((_, i) => (i === n - 1 ? 1 : 0))
    case 'linear':
      return path.map(() => 1 / n)
    case 'time_decay': {
      const w = path.map((t) => 2 ** (-t.age_s / halfLifeS))
      const sum = w.reduce((a, b) => a + b, 0)
      return w.map((x) => x / sum)
    }
    case 'position':
      if (n === 2) return [0.5, 0.5]
      return path.map((_, i) => (i === 0 || i === n - 1 ? 0.4 : 0.2 / (n - 2)))
  }
}

export interface AttributionOptions extends DateRange {
  site?: string
  /** Which conversions: leads, orders or both (default). */
  conversion?: 'lead' | 'order' | 'both'
  channel?: keyof typeof CHANNELS
  halfLifeS?: number
  /** Sessions older than this before the conversion are not touches. */
  lookbackS?: number
  /** visitor: the converting visitor id's sessions; customer: the sessions of every visitor id of its person (identities). */
  unit?: 'visitor' | 'customer'
}

/** Whose sessions are a conversion's touches (attribution.sql touch_visitors). */
const TOUCH_VISITORS = {
  visitor: 'select conversion, step_id, visitor_id from conv where visitor_id is not null',
  // the person of the conversion's record (a CRM lead or order), else of its visitor id; ids of no person keep their visitor
  customer: `select c.conversion, c.step_id, v.id as visitor_id
  from (
    select c.conversion, c.step_id, c.visitor_id, coalesce(pr.customer_id, pv.customer_id) as person
    from conv c
    left join customer_ids pr on pr.kind = c.conversion and pr.id = c.step_id
    left join customer_ids pv on pv.kind = 'visitor' and pv.id = c.visitor_id
  ) c
  join customer_ids v on v.customer_id = c.person and v.kind = 'visitor'
  union
  select conversion, step_id, visitor_id from conv
  where visitor_id is not null
    and not exists (select 1 from customer_ids pr where pr.kind = conv.conversion and pr.id = conv.step_id)
    and not exists (select 1 from customer_ids pv where pv.kind = 'visitor' and pv.id = conv.visitor_id)`,
}

export interface AttributionRow {
  conversion: 'lead' | 'order'
  channel: string
  /** conversions with at least one touch in this channel */
  touched: number
  first: number
  last: number
  linear: number
  time_decay: number
  position: number
  /** orders only: amount × credit, per model */
  revenue_first: number | null
  revenue_last: number | null
  revenue_linear: number | null
  revenue_time_decay: number | null
  revenue_position: number | null
}

export interface AttributionResult {
  unit: 'visitor' | 'customer'
  from: string
  to: string
  channel: string
  half_life_s: number
  lookback_s: number
  conversions: {lead: number; order: number}
  /** conversions without a visitor id (phone, CRM) or without a session in the lookback window */
  unattributed: {lead: number; order: number}
  /** mean touches per attributed path */
  mean_path_length: {lead: number | null; order: number | null}
  rows: AttributionRow[]
}

export const NO_SESSION = '(no session)'

export async function attributionReport(store: Store, options: AttributionOptions = {}): Promise<AttributionResult> {
  const unit = options.unit ?? 'visitor'
  await requireTables(store, unit === 'customer' ? ['sessions', 'events', 'customer_ids'] : ['sessions', 'events'])
  const range = sqlRange(options)
  const channel = options.channel ?? 'medium_source'
  if (!(channel in CHANNELS)) throw new CcxError(`unknown channel "${channel}"`, {code: 'BAD_CHANNEL', exit: EXIT.usage, suggestions: [`Use one of: ${Object.keys(CHANNELS).join(', ')}`]})
  const halfLifeS = options.halfLifeS ?? 7 * 86400
  const lookbackS = options.lookbackS ?? 30 * 86400
  const conversion = options.conversion ?? 'both'
  const sql = renderSql(readSql(import.meta.url, 'attribution.sql'), {
    steps: stepsCte(options.site),
    channel: CHANNELS[channel],
    lookback_s: Math.round(lookbackS),
    conversion_filter: conversion === 'both' ? 'true' : `type = '${conversion}'`,
    touch_visitors: TOUCH_VISITORS[unit],
  })
  const rows = await store.all<{conversion: 'lead' | 'order'; step_id: string; conversion_ts: Date; amount: number | null; session_id: string | null; touch_ts: Date | null; channel: string | null}>(sql, range)
  const paths = new Map<string, {conversion: 'lead' | 'order'; amount: number | null; touches: Touch[]}>()
  for (const r of rows) {
    const key = `${r.conversion}\u0001${r.step_id}`
    if (!paths.has(key)) paths.set(key, {conversion: r.conversion, amount: r.amount === null ? null : num(r.amount), touches: []})
    if (r.session_id !== null && r.touch_ts) paths.get(key)!.touches.push({channel: String(r.channel), age_s: (r.conversion_ts.getTime() - r.touch_ts.getTime()) / 1000})
  }
  const acc = new Map<string, AttributionRow>()
  const counts = {lead: 0, order: 0}
  const unattributed = {lead: 0, order: 0}
  const pathLength = {lead: 0, order: 0}
  for (const p of paths.values()) {
    counts[p.conversion]++
    const touches = p.touches.length ? p.touches : [{channel: NO_SESSION, age_s: 0}]
    if (!p.touches.length) unattributed[p.conversion]++
    else pathLength[p.conversion] += p.touches.length
    const ensure = (ch: string) => {
      const key = `${p.conversion}\u0001${ch}`
      if (!acc.has(key)) {
        const revenue = p.conversion === 'order' ? 0 : null
        acc.set(key, {conversion: p.conversion, channel: ch, touched: 0, first: 0, last: 0, linear: 0, time_decay: 0, position: 0, revenue_first: revenue, revenue_last: revenue, revenue_linear: revenue, revenue_time_decay: revenue, revenue_position: revenue})
      }
      return acc.get(key)!
    }
    for (const ch of new Set(touches.map((t) => t.channel))) ensure(ch).touched++
    for (const model of ATTRIBUTION_MODELS) {
      const credits = touchCredits(touches, model, halfLifeS)
      touches.forEach((t, i) => {
        const row = ensure(t.channel)
        row[model] += credits[i]
        const revenueKey = `revenue_${model}` as const
        if (p.conversion === 'order') row[revenueKey] = (row[revenueKey] ?? 0) + credits[i] * (p.amount ?? 0)
      })
    }
  }
  const attributed = (k: 'lead' | 'order') => counts[k] - unattributed[k]
  return {
    unit,
    from: range.from,
    to: range.to,
    channel,
    half_life_s: halfLifeS,
    lookback_s: lookbackS,
    conversions: counts,
    unattributed,
    mean_path_length: {lead: attributed('lead') ? pathLength.lead / attributed('lead') : null, order: attributed('order') ? pathLength.order / attributed('order') : null},
    rows: [...acc.values()].sort((a, b) => a.conversion.localeCompare(b.conversion) || b.linear - a.linear || a.channel.localeCompare(b.channel)),
  }
}

/**
 * Vega-Lite: credited conversions per channel under each model, one panel per conversion kind; beyond the 8 channels
 * with most credit (linear) the rest is one "other" bar per model (credits add up: each conversion is shared out).
 */
export function attributionChart(result: AttributionResult): object {
  const top = topSeries(
    result.rows.reduce((m, r) => m.set(r.channel, (m.get(r.channel) ?? 0) + r.linear), new Map<string, number>()),
    'channels (by linear credit)',
  )
  const models = ATTRIBUTION_MODELS.map((m) => label(m))
  const acc = new Map<string, {conversion: string; channel: string; model: string; credit: number}>()
  for (const r of result.rows)
    for (const m of ATTRIBUTION_MODELS) {
      const channel = top.keep.has(r.channel) ? r.channel : OTHER
      const key = `${r.conversion}\u0001${channel}\u0001${m}`
      const row = acc.get(key) ?? {conversion: `${r.conversion}s`, channel, model: label(m), credit: 0}
      row.credit += r[m]
      acc.set(key, row)
    }
  return {
    title: top.note ? {text: 'Attributed conversions by channel and model', subtitle: top.note} : 'Attributed conversions by channel and model',
    data: {values: [...acc.values()]},
    width: 320,
    // the step is one model's bar (yOffset): 5 × 8 px a channel keeps nine channels and "other" one screen high
    height: {step: 8},
    mark: 'bar',
    encoding: {
      column: {field: 'conversion', type: 'nominal', title: null},
      y: {field: 'channel', type: 'nominal', sort: '-x', title: null},
      x: {field: 'credit', type: 'quantitative', title: 'credited conversions'},
      yOffset: {field: 'model', sort: models},
      color: {field: 'model', type: 'nominal', title: 'model', sort: models, scale: colorScale(models)},
      tooltip: [{field: 'channel'}, {field: 'model'}, {field: 'credit', format: '.2f'}],
    },
    resolve: {scale: {y: 'independent'}},
  }
}

const ATTRIBUTION_COLUMNS = ['conversion', 'channel', 'touched', 'first', 'last', 'linear', 'time_decay', 'position', 'revenue_linear']

/** `ccx report attribution`: leads and orders credited to channels by five models. */
export default defineReport<AttributionOptions, AttributionResult>({
  id: 'marketing/attribution',
  title: 'Attribution',
  needs: {tables: ['sessions', 'events'], pipelines: ['normalize'], optional: ['identities']},
  run: (ctx, options) => attributionReport(ctx.store, options),
  rows: (result) => result.rows as unknown as Row[],
  text: (result) => [
    {
      lines: [
        `${result.conversions.lead} leads (${result.unattributed.lead} without a session), ${result.conversions.order} orders (${result.unattributed.order} without a session); half-life ${result.half_life_s / 86400} d, lookback ${result.lookback_s / 86400} d${result.unit === 'customer' ? "; touches: the sessions of every device of the converting person" : ''}`,
      ],
      rows: result.rows as unknown as Row[],
      columns: ATTRIBUTION_COLUMNS,
    },
  ],
  charts: (result) => [attributionChart(result)],
  async section(ctx) {
    const attribution = await attributionReport(ctx.store, rangeOptions(ctx))
    return [
      {
        title: 'Attribution',
        description: `Leads and orders credited to channels (medium / source) by first, last, linear, time-decay (half-life ${attribution.half_life_s / 86400} d) and position-based (40/20/40) models; ${attribution.unattributed.lead} leads and ${attribution.unattributed.order} orders had no session in the ${attribution.lookback_s / 86400}-day lookback.`,
        charts: attribution.rows.length ? [attributionChart(attribution)] : [],
        tables: [
          {
            title: 'Credit by channel',
            rows: attribution.rows.map((r) => ({
              conversion: r.conversion,
              channel: r.channel,
              touched: r.touched,
              first: round(r.first),
              last: round(r.last),
              linear: round(r.linear),
              'time decay': round(r.time_decay),
              position: round(r.position),
              'revenue (linear)': round(r.revenue_linear),
            })),
          },
        ],
      },
    ]
  },
})
