import type {ReportRange, ReportSection} from '../section.js'
import type {Store} from '../../store/store.js'

const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10)
const dec = (v: number | null, digits = 2) => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits)

/** Overview, sources, geography, silent exits and attribution in the HTML report: a chart and a table each. */
export default async function marketingMoreSection(store: Store, range: ReportRange): Promise<ReportSection[]> {
  if (!(await store.tableExists('sessions')) || !(await store.tableExists('events'))) {
    return [
      {
        title: 'Marketing overview',
        description: 'No sessions: load probe events with `ccx ingest probe` and run `ccx run`.',
        charts: [],
        tables: [],
      },
    ]
  }
  const {overviewReport, overviewRows, overviewChart} = await import('../../reports/marketing/overview.js')
  const {sourcesReport, sourcesChart} = await import('../../reports/marketing/sources.js')
  const {geoReport, geoChart} = await import('../../reports/marketing/geo.js')
  const {exitsReport, exitsChart} = await import('../../reports/marketing/exits.js')
  const {attributionReport, attributionChart} = await import('../../reports/marketing/attribution.js')

  const overview = await overviewReport(store, range)
  const sources = await sourcesReport(store, {...range, topKeywords: 5})
  const geo = await geoReport(store, {...range, level: 'city', limit: 20})
  const exits = await exitsReport(store, {...range, top: 5})
  const attribution = await attributionReport(store, range)

  return [
    {
      title: 'Marketing overview',
      description:
        'Visitors, page views, invitations, chats, messages, leads and orders of the period; per-visitor ratios divide by distinct visitors.',
      charts: [overviewChart(overview)],
      tables: [
        {title: 'Figures', rows: overviewRows(overview).map((r) => ({metric: r.metric, value: dec(r.value, 4)}))},
        {
          title: 'Chats by agent',
          rows: overview.agents.map((a) => ({
            agent: a.agent,
            chats: a.chats,
            answered: a.answered,
            'median wait s': dec(a.median_wait_s, 1),
            rated: a.csat_responses,
            'avg CSAT': dec(a.csat_avg),
            'CSAT top-2 %': pct(a.csat_top2),
            'resolved %': pct(a.resolved_share),
          })),
        },
      ],
    },
    {
      title: 'Traffic sources',
      description: `Share of ${sources.sessions} sessions by medium and of ${sources.search_sessions} search sessions by engine; lead rate = sessions with a lead ÷ sessions.`,
      charts: [sourcesChart(sources)],
      tables: [
        {
          title: 'Mediums',
          rows: sources.mediums.map((r) => ({
            medium: r.medium,
            sessions: r.sessions,
            'share %': pct(r.share),
            inquiries: r.inquiries,
            leads: r.leads,
            orders: r.orders,
            'lead %': pct(r.lead_rate),
          })),
        },
        {
          title: 'Search engines',
          rows: sources.engines.map((r) => ({
            engine: r.engine,
            sessions: r.sessions,
            'share %': pct(r.share),
            leads: r.leads,
            'lead %': pct(r.lead_rate),
          })),
        },
        {
          title: 'Top keywords per engine',
          rows: sources.keywords.map((r) => ({
            engine: r.engine,
            rank: r.rank,
            keyword: r.keyword,
            sessions: r.sessions,
            'share of engine %': pct(r.share_of_engine),
            leads: r.leads,
          })),
        },
      ],
    },
    {
      title: 'Geography',
      description:
        'Sessions by city (IP geo) with the lead rate, its 95% Wilson interval, and the index against all places (places with at least 30 sessions).',
      charts: [geoChart(geo)],
      tables: [
        {
          title: 'Cities',
          rows: geo.rows.map((r) => ({
            province: r.province,
            city: r.city,
            sessions: r.sessions,
            'share %': pct(r.share),
            inquiries: r.inquiries,
            leads: r.leads,
            'lead %': pct(r.lead_rate),
            'CI low %': pct(r.ci_low),
            'CI high %': pct(r.ci_high),
            index: dec(r.lead_index),
          })),
        },
      ],
    },
    {
      title: 'Silent exits by intent',
      description: 'Sessions that ended without a chat request, message, inbound call, lead or order, by classified intent and exit page.',
      charts: exits.pages.length ? [exitsChart(exits)] : [],
      tables: [
        {
          title: 'Intents',
          rows: exits.intents.map((i) => ({
            intent: i.intent,
            sessions: i.sessions,
            'silent exits': i.silent_exits,
            'silent %': pct(i.silent_share),
          })),
        },
        {
          title: 'Exit pages',
          rows: exits.pages.map((p) => ({
            intent: p.intent,
            rank: p.rank,
            page: p.exit_url,
            exits: p.exits,
            'share of intent %': pct(p.share_of_intent),
            'exit rate %': pct(p.exit_rate),
          })),
        },
      ],
    },
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
            first: dec(r.first),
            last: dec(r.last),
            linear: dec(r.linear),
            'time decay': dec(r.time_decay),
            position: dec(r.position),
            'revenue (linear)': dec(r.revenue_linear),
          })),
        },
      ],
    },
  ]
}
