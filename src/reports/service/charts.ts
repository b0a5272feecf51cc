import type {ServiceReport} from './service.js'
import type {StaffingPlan} from './staffing.js'
import {colorScale, everyDay} from '../../charts/series.js'

/** Vega-Lite specs for the service commands and the HTML report section. Plain data, no I/O. */
type Spec = Record<string, unknown>
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json'

/** By day: a date axis over every day from the first to the last (a day without contacts is a gap, not skipped). */
function groupAxis(report: ServiceReport): Record<string, unknown> {
  return report.by === 'day'
    ? {field: 'group', type: 'temporal', timeUnit: 'yearmonthdate', title: null, axis: {format: '%m-%d', labelOverlap: true}}
    : {field: 'group', type: 'ordinal', title: report.by}
}

export function serviceLevelChart(report: ServiceReport): Spec {
  const level = `service level (${report.thresholdS} s)`
  const values = report.rows
    .flatMap((r) => [
      {group: r.group, measure: level, value: r.serviceLevel},
      {group: r.group, measure: 'abandon rate', value: r.abandonRate},
    ])
    .filter((v) => v.value !== null)
  return {
    $schema: SCHEMA,
    title: `Service level and abandonment by ${report.by}`,
    data: {values},
    mark: {type: report.by === 'day' || report.by === 'hour' ? 'line' : 'bar', point: true},
    encoding: {
      x: groupAxis(report),
      y: {field: 'value', type: 'quantitative', axis: {format: '%'}, title: 'share', scale: {zero: true}},
      color: {field: 'measure', type: 'nominal', title: null, scale: colorScale([level, 'abandon rate']), legend: {orient: 'top'}},
      ...(report.by === 'day' || report.by === 'hour' ? {} : {xOffset: {field: 'measure'}}),
    },
    width: 600,
    height: 300,
  }
}

export function volumeChart(report: ServiceReport): Spec {
  const rows = report.by === 'day' ? everyDay(report.rows.map((r) => r.group)).map((day) => report.rows.find((r) => r.group === day) ?? {group: day, answered: 0, abandoned: 0}) : report.rows
  const values = rows.flatMap((r) => [
    {group: r.group, status: 'answered', contacts: r.answered},
    {group: r.group, status: 'abandoned', contacts: r.abandoned},
  ])
  return {
    $schema: SCHEMA,
    title: `Contacts offered by ${report.by}`,
    data: {values},
    mark: 'bar',
    encoding: {
      x: groupAxis(report),
      y: {field: 'contacts', type: 'quantitative', stack: 'zero'},
      color: {field: 'status', type: 'nominal', title: null, scale: colorScale(['answered', 'abandoned']), legend: {orient: 'top'}},
    },
    width: 600,
    height: 300,
  }
}

export function staffingChart(plan: StaffingPlan): Spec {
  const days = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
  return {
    $schema: SCHEMA,
    title: `Agents to schedule (${plan.kind}s, ${plan.intervalMinutes}-minute intervals)`,
    data: {
      values: plan.rows.map((r) => ({
        day: days[r.weekday],
        weekday: r.weekday,
        interval: r.interval,
        scheduled: r.scheduled,
        contacts: r.contacts,
      })),
    },
    mark: 'rect',
    encoding: {
      x: {field: 'interval', type: 'ordinal', title: 'interval start'},
      y: {field: 'day', type: 'ordinal', sort: {field: 'weekday'}, title: null},
      color: {field: 'scheduled', type: 'quantitative', title: 'agents'},
      tooltip: [{field: 'day'}, {field: 'interval'}, {field: 'contacts', format: '.1f'}, {field: 'scheduled'}],
    },
    width: 700,
    height: 200,
  }
}

export function scoreChart(agents: Array<{agent_id: string; score: number | null; ranked: boolean}>): Spec {
  return {
    $schema: SCHEMA,
    title: 'Agent scores (0–100, weighted scorecard)',
    data: {values: agents.filter((a) => a.ranked && a.score !== null).map((a) => ({agent: a.agent_id, score: a.score}))},
    mark: 'bar',
    encoding: {
      y: {field: 'agent', type: 'nominal', sort: '-x', title: null},
      x: {field: 'score', type: 'quantitative', scale: {domain: [0, 100]}},
    },
    width: 500,
  }
}

export function layersChart(layers: Array<{layer: string; share: number | null}>): Spec {
  return {
    $schema: SCHEMA,
    title: 'Where service demand ends (highest layer reached)',
    data: {values: layers.map((l) => ({layer: l.layer, share: l.share ?? 0}))},
    mark: 'bar',
    encoding: {
      x: {field: 'layer', type: 'ordinal', sort: null, title: null},
      y: {field: 'share', type: 'quantitative', axis: {format: '%'}},
    },
    width: 400,
    height: 250,
  }
}
