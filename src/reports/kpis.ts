import type {ReportContext} from './contract.js'
import {overviewReport} from './marketing/overview.js'
import {serviceReport} from './service/service.js'
import type {ResolvedRange} from './range.js'

/**
 * The KPI tiles at the top of the HTML report: each figure for the range and for the previous period of the same
 * length just before it (docs/metrics.md, "KPI tiles"). Counts compare as a relative change, shares as a difference in
 * percentage points. Figures come from the overview and service reports, computed as those reports compute them.
 */
export interface KpiTile {
  id: string
  label: string
  kind: 'count' | 'share' | 'money'
  value: number | null
  previous: number | null
  /** count/money: (value − previous) ÷ previous (null when previous is 0 or missing); share: value − previous. */
  change: number | null
  /** How to read `change`: a relative change, or a difference of two shares. */
  changeKind: 'relative' | 'points'
  /** Higher is better (colours a rise green); false for none here yet, kept for the page. */
  higherIsBetter: boolean
}

export interface KpiSummary {
  range: {from: string; to: string}
  /** The period before, of the same length ([from − length, from)). */
  previous: {from: string; to: string}
  tiles: KpiTile[]
}

/** [from − (to − from), from): the period of the same length just before the range. */
export function previousPeriod(range: {from: string; to: string}): {from: string; to: string} {
  const ms = (t: string) => Date.parse(`${t.replace(' ', 'T')}Z`)
  const from = ms(range.from)
  const length = ms(range.to) - from
  const iso = (v: number) => new Date(v).toISOString().replace('T', ' ').slice(0, 19)
  return {from: iso(from - length), to: range.from}
}

export function change(kind: KpiTile['kind'], value: number | null, previous: number | null): number | null {
  if (value === null || previous === null) return null
  if (kind === 'share') return value - previous
  return previous === 0 ? null : (value - previous) / previous
}

/** The tiles for a closed range (the caller closes an open one with the data's first and last day). */
export async function kpiSummary(ctx: ReportContext, range: {from: string; to: string}): Promise<KpiSummary | null> {
  const previous = previousPeriod(range)
  const specs: Array<Omit<KpiTile, 'value' | 'previous' | 'change' | 'changeKind'> & {read: (r: Figures) => number | null}> = []
  const hasMarketing = (await ctx.store.tableExists('sessions')) && (await ctx.store.tableExists('events'))
  const hasService = (await ctx.store.tableExists('contact_facts')) && (await ctx.store.tableExists('chat_facts'))
  if (!hasMarketing && !hasService) return null
  if (hasMarketing) {
    specs.push(
      {id: 'visitors', label: 'Visitors', kind: 'count', higherIsBetter: true, read: (f) => f.overview?.visitors ?? null},
      {id: 'inquiries', label: 'Chat requests', kind: 'count', higherIsBetter: true, read: (f) => f.overview?.chat_requests ?? null},
      {id: 'leads', label: 'Leads', kind: 'count', higherIsBetter: true, read: (f) => f.overview?.leads ?? null},
      {id: 'orders', label: 'Orders', kind: 'count', higherIsBetter: true, read: (f) => f.overview?.orders ?? null},
      {id: 'order_amount', label: 'Order amount', kind: 'money', higherIsBetter: true, read: (f) => f.overview?.order_amount ?? null},
      {
        id: 'invitation_acceptance',
        label: 'Invitations accepted',
        kind: 'share',
        higherIsBetter: true,
        read: (f) => f.overview?.invitation_acceptance ?? null,
      },
      {id: 'chat_success', label: 'Chats answered', kind: 'share', higherIsBetter: true, read: (f) => f.overview?.chat_success_rate ?? null},
    )
  }
  if (hasService) {
    specs.push({
      id: 'service_level',
      label: 'Service level',
      kind: 'share',
      higherIsBetter: true,
      read: (f) => f.service?.serviceLevel ?? null,
    })
  }
  const figures = async (r: {from: string; to: string}): Promise<Figures> => ({
    overview: hasMarketing ? (await overviewReport(ctx.store, {...r, site: ctx.site})).kpis : undefined,
    service: hasService ? (await serviceReport(ctx.store, {...r, by: 'total', site: ctx.site})).total : undefined,
  })
  const now = await figures(range)
  const before = await figures(previous)
  const tiles = specs.map(({read, ...spec}) => {
    const value = read(now)
    const prev = read(before)
    return {...spec, value, previous: prev, change: change(spec.kind, value, prev), changeKind: spec.kind === 'share' ? 'points' : 'relative'} as KpiTile
  })
  return {range, previous, tiles}
}

interface Figures {
  overview?: Awaited<ReturnType<typeof overviewReport>>['kpis']
  service?: Awaited<ReturnType<typeof serviceReport>>['total']
}

/** The first and last day with sessions (or contacts), to close an open range for the title, file name and tiles. */
export async function dataDays(ctx: ReportContext): Promise<{first: string; last: string} | null> {
  const spans: string[] = []
  if (await ctx.store.tableExists('sessions'))
    spans.push(`select min(started_at) as a, max(started_at) as b from sessions where not coalesce(is_bot, false)`)
  if (await ctx.store.tableExists('contact_facts')) spans.push(`select min(started_at) as a, max(started_at) as b from contact_facts`)
  if (spans.length === 0) return null
  const row = await ctx.store.one<{first: string | null; last: string | null}>(
    `select strftime(min(a), '%Y-%m-%d') as first, strftime(max(b), '%Y-%m-%d') as last from (${spans.join(' union all ')})`,
  )
  return row?.first && row.last ? {first: row.first, last: row.last} : null
}

/** A closed range for the page: the given ends, open ends taken from the data's first and last day. */
export function closeRange(range: ResolvedRange, days: {first: string; last: string} | null): {from: string; to: string} | null {
  const next = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
  const from = range.from ?? (days ? `${days.first} 00:00:00` : null)
  const to = range.to ?? (days ? `${next(days.last)} 00:00:00` : null)
  return from && to && from < to ? {from, to} : null
}
