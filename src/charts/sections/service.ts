import type {ReportRange, ReportSection} from '../section.js'
import type {LoadedConfig} from '../../config/load.js'
import type {Store} from '../../store/store.js'

/** Service quality in the HTML report: KPIs by day, agent scores, layers, and the staffing a typical week needs. */
export default async function serviceSection(store: Store, range: ReportRange, config: LoadedConfig): Promise<ReportSection[]> {
  const {ensureServiceFacts, serviceReport} = await import('../../reports/service/service.js')
  if (!(await store.tableExists('contact_facts'))) {
    try {
      await ensureServiceFacts(store, config)
    } catch {
      return [
        {title: 'Service quality', description: 'No service facts: run `ccx run service` (needs calls or chats).', charts: [], tables: []},
      ]
    }
  }
  const charts = await import('../../reports/service/charts.js')
  const {agentsReport, loadScorecard} = await import('../../reports/service/agents.js')
  const {layersReport} = await import('../../reports/service/layers.js')
  const {staffingFromHistory} = await import('../../reports/service/staffing.js')

  const byDay = await serviceReport(store, {...range, by: 'day'})
  const byChannel = await serviceReport(store, {...range, by: 'channel'})
  const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10)
  const sec = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10)
  const kpiRow = (r: (typeof byDay.rows)[number]) => ({
    group: r.group,
    offered: r.offered,
    answered: r.answered,
    'abandon %': pct(r.abandonRate),
    [`SL ${byDay.thresholdS}s %`]: pct(r.serviceLevel),
    'ASA s': sec(r.asaSeconds),
    'AHT s': sec(r.ahtSeconds),
    'first response s': sec(r.firstResponseSeconds),
    'CSAT top-2 %': pct(r.csatTop2Box),
    'FCR %': pct(r.fcr),
  })
  const agents = await agentsReport(store, loadScorecard({}), range)
  const layers = await layersReport(store, range)
  const plan = await staffingFromHistory(store, {
    ...range,
    kind: 'call',
    intervalMinutes: 60,
    target: 0.8,
    thresholdS: 20,
    shrinkage: 0.3,
    maxOccupancy: 0.85,
  })

  return [
    {
      title: 'Service levels',
      description: `Offered, answered and abandoned contacts; service level = answered within ${byDay.thresholdS} s ÷ offered (ICMI). ${byDay.notes.join('; ')}`,
      charts: [charts.volumeChart(byDay), charts.serviceLevelChart(byDay)],
      tables: [
        {title: 'By channel', rows: [...byChannel.rows, byChannel.total].map(kpiRow)},
        {title: 'By day', rows: byDay.rows.map(kpiRow)},
      ],
    },
    {
      title: 'Agent scores',
      description: `Weighted scorecard (defaults/scorecard.json); agents with fewer than ${agents.scorecard.minContacts} contacts are not ranked.`,
      charts: [charts.scoreChart(agents.agents)],
      tables: [
        {
          title: 'Ranking',
          rows: agents.agents.map((a) => ({
            rank: a.rank,
            agent: a.agent_id,
            score: a.score === null ? null : Math.round(a.score * 10) / 10,
            handled: a.handled,
            'CSAT top-2 %': pct(a.values.csat_top2 ?? null),
            'FCR %': pct(a.values.fcr ?? null),
            'lead %': pct(a.values.lead_rate ?? null),
            'converts best': a.tags
              .slice(0, 3)
              .map((t) => `${t.dimension}=${t.value}`)
              .join('; '),
          })),
        },
      ],
    },
    {
      title: 'Service layers',
      description: 'Self-service → bot → online agent → hotline: the highest layer each person reached.',
      charts: [charts.layersChart(layers.layers)],
      tables: [
        {
          title: 'Layers',
          rows: layers.layers.map((l) => ({
            layer: l.layer,
            people: l.people,
            'share %': pct(l.share),
            contacts: l.contacts,
            'CSAT top-2 %': pct(l.csatTop2Box),
          })),
        },
      ],
    },
    {
      title: 'Staffing (typical week, calls)',
      description: 'Erlang C per weekday × hour for 80% in 20 s, occupancy ≤ 85%, 30% shrinkage.',
      charts: plan.rows.length > 0 ? [charts.staffingChart(plan)] : [],
      tables: [],
    },
  ]
}
