import {percent} from '../../format/numbers.js'
import type {Store} from '../../store/store.js'
import {readSql} from '../../store/store.js'
import {sqlString as q} from '../../store/values.js'
import {defineReport, type CommonOptions, type Row} from '../contract.js'
import {SOURCES, TIMESTAMP_RANGE, storedColumns, type FieldSpec, type SourceName, type SourceSpec} from '../../vocab/sources.js'

/**
 * Data quality at a glance (docs/metrics.md "Data quality"): per source and field, the share of empty values and of
 * values outside the documented range; per source, time orders flagged at ingest, duplicate and filtered rows, and the
 * quarantine by reason. The counts come from SQL derived from the source field specs; `summarizeQuality` is pure.
 */

export interface FieldCounts {
  field: string
  /** Rows of the table that stores it. */
  rows: number
  nulls: number
  outOfRange: number
}

export interface SourceCounts {
  source: SourceName
  rows: number
  fields: FieldCounts[]
  files: number
  duplicates: number
  filtered: number
  /** Rows read from its files (loaded + duplicate + quarantined + filtered). */
  read: number
  flags: Record<string, number>
  quarantine: Record<string, number>
}

export interface FieldQuality {
  field: string
  required: boolean
  /** What the spec documents: a range, a vocabulary, or nothing. */
  documented: string | null
  nulls: number
  nullShare: number | null
  outOfRange: number
  outOfRangeShare: number | null
}

export interface SourceQuality {
  source: SourceName
  rows: number
  files: number
  read: number
  duplicates: number
  duplicateShare: number | null
  filtered: number
  quarantined: number
  quarantineShare: number | null
  flagged: number
  flaggedShare: number | null
  flags: Record<string, number>
  quarantine: Array<{code: string; count: number}>
  fields: FieldQuality[]
}

export interface QualityReport {
  sources: SourceQuality[]
  /** The worst problems first, one line each (for the report's header and the HTML section). */
  findings: string[]
}

/** What is out of range for a stored field, as SQL over its column; undefined when nothing is documented. */
function outOfRangeSql(f: FieldSpec, col: string): string | undefined {
  const parts: string[] = []
  if (f.vocab) parts.push(`${col} not in (${f.vocab.values.map(q).join(', ')})`)
  if (f.kind === 'double') parts.push(`not isfinite(${col})`)
  if (f.min !== undefined) parts.push(`${col} < ${f.min}`)
  if (f.max !== undefined) parts.push(`${col} > ${f.max}`)
  if (f.kind === 'timestamp') parts.push(`${col} < TIMESTAMP '${TIMESTAMP_RANGE.min}' or ${col} >= TIMESTAMP '${TIMESTAMP_RANGE.max}'`)
  return parts.length > 0 ? parts.join(' or ') : undefined
}

function documented(f: FieldSpec): string | null {
  if (f.vocab) return f.vocab.values.join('|')
  if (f.min !== undefined && f.max !== undefined) return `${f.min}–${f.max}`
  if (f.min !== undefined) return `≥ ${f.min}`
  if (f.kind === 'double') return 'finite'
  if (f.kind === 'timestamp') return `${TIMESTAMP_RANGE.min.slice(0, 4)}–${Number(TIMESTAMP_RANGE.max.slice(0, 4)) - 1}`
  return null
}

/** The SQL that counts nulls and out-of-range values of every field of one table. */
export function fieldCountsSql(spec: SourceSpec, table: string): {sql: string; fields: FieldSpec[]} {
  const cols = storedColumns(spec).filter((c) => c.table === table && c.field && c.part !== 'masked')
  const fields = cols.map((c) => spec.fields.find((f) => f.name === c.field)!)
  const parts = cols.flatMap((c, i) => {
    const f = fields[i]!
    const range = c.part === 'value' ? outOfRangeSql(f, c.column) : undefined
    return [`count(*) filter (where ${c.column} is null) as n${i}`, `count(*) filter (where ${range ?? 'false'}) as r${i}`]
  })
  return {sql: `select count(*) as rows, ${parts.join(', ')} from ${table}`, fields}
}

/** Counts for every source that has rows or loads. */
export async function qualityCounts(store: Store): Promise<SourceCounts[]> {
  const loads = await store.all<{source: string; files: number; read: number; duplicates: number; filtered: number}>(
    readSql(import.meta.url, 'sql/quality_loads.sql'),
  )
  const quarantine = await store.all<{source: string; code: string; n: number}>(readSql(import.meta.url, 'sql/quality_quarantine.sql'))
  const flags = await store.all<{source: string; flag: string; n: number}>(readSql(import.meta.url, 'sql/quality_flags.sql'))
  const out: SourceCounts[] = []
  for (const spec of Object.values(SOURCES)) {
    const fieldCounts: FieldCounts[] = []
    let rows = 0
    for (const [t, table] of spec.tables.entries()) {
      if (!(await store.tableExists(table))) continue
      const {sql, fields} = fieldCountsSql(spec, table)
      const row = (await store.one<Record<string, number>>(sql))!
      if (t === 0) rows = Number(row.rows)
      fields.forEach((f, i) => {
        if (!fieldCounts.some((x) => x.field === f.name))
          fieldCounts.push({field: f.name, rows: Number(row.rows), nulls: Number(row[`n${i}`]), outOfRange: Number(row[`r${i}`])})
      })
    }
    const load = loads.find((l) => l.source === spec.name)
    if (rows === 0 && !load) continue
    out.push({
      source: spec.name,
      rows,
      fields: spec.fields.map((f) => fieldCounts.find((x) => x.field === f.name)!).filter(Boolean),
      files: Number(load?.files ?? 0),
      read: Number(load?.read ?? 0),
      duplicates: Number(load?.duplicates ?? 0),
      filtered: Number(load?.filtered ?? 0),
      flags: Object.fromEntries(flags.filter((f) => f.source === spec.name).map((f) => [f.flag, Number(f.n)])),
      quarantine: Object.fromEntries(quarantine.filter((x) => x.source === spec.name).map((x) => [x.code, Number(x.n)])),
    })
  }
  return out
}

const share = (a: number, b: number) => (b > 0 ? a / b : null)

/** Shares and findings from the counts (pure). */
export function summarizeQuality(counts: SourceCounts[]): QualityReport {
  const findings: Array<{weight: number; text: string}> = []
  const sources = counts.map((c): SourceQuality => {
    const spec = SOURCES[c.source]
    const quarantined = Object.values(c.quarantine).reduce((a, b) => a + b, 0)
    const flagged = Object.values(c.flags).reduce((a, b) => a + b, 0)
    const fields = c.fields.map((f): FieldQuality => {
      const fs = spec.fields.find((x) => x.name === f.field)!
      const q: FieldQuality = {
        field: f.field,
        required: Boolean(fs.required),
        documented: documented(fs),
        nulls: f.nulls,
        nullShare: share(f.nulls, f.rows),
        outOfRange: f.outOfRange,
        outOfRangeShare: share(f.outOfRange, f.rows),
      }
      if (f.outOfRange > 0)
        findings.push({
          weight: 3 + q.outOfRangeShare!,
          text: `${c.source}.${f.field}: ${f.outOfRange} value${f.outOfRange > 1 ? 's' : ''} outside ${q.documented} (loaded before ingest checked them)`,
        })
      return q
    })
    const s: SourceQuality = {
      source: c.source,
      rows: c.rows,
      files: c.files,
      read: c.read,
      duplicates: c.duplicates,
      duplicateShare: share(c.duplicates, c.read),
      filtered: c.filtered,
      quarantined,
      quarantineShare: share(quarantined, c.read),
      flagged,
      flaggedShare: share(flagged, c.rows),
      flags: c.flags,
      quarantine: Object.entries(c.quarantine)
        .map(([code, count]) => ({code, count}))
        .sort((a, b) => b.count - a.count),
      fields,
    }
    if (quarantined > 0)
      findings.push({
        weight: 2 + s.quarantineShare!,
        text: `${c.source}: ${quarantined} rows quarantined (${percent(s.quarantineShare)} of read), most for ${s.quarantine[0]!.code}`,
      })
    if (flagged > 0)
      findings.push({
        weight: 1 + s.flaggedShare!,
        text: `${c.source}: ${flagged} rows with a time-order flag (${Object.entries(c.flags)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}): left out of wait and handle times`,
      })
    return s
  })
  return {sources, findings: findings.sort((a, b) => b.weight - a.weight).map((f) => f.text)}
}

export async function qualityReport(store: Store): Promise<QualityReport> {
  return summarizeQuality(await qualityCounts(store))
}

/** The flat table (--csv, --out): one row per source and field. */
function qualityRows(report: QualityReport): Row[] {
  return report.sources.flatMap((s) =>
    s.fields.map((f) => ({
      source: s.source,
      field: f.field,
      required: f.required,
      documented: f.documented,
      nulls: f.nulls,
      null_share: f.nullShare,
      out_of_range: f.outOfRange,
      out_of_range_share: f.outOfRangeShare,
    })),
  )
}

function sourceRows(report: QualityReport): Row[] {
  return report.sources.map((s) => ({
    source: s.source,
    rows: s.rows,
    files: s.files,
    read: s.read,
    duplicates: s.duplicates,
    filtered: s.filtered,
    quarantined: s.quarantined,
    'quarantined %': percent(s.quarantineShare),
    flagged: s.flagged,
    'quarantine by reason': s.quarantine.map((q) => `${q.code} ${q.count}`).join(', '),
  }))
}

/** Fields worth a look: empty in some rows, or holding values outside their documented range. */
function fieldRows(report: QualityReport): Row[] {
  return report.sources.flatMap((s) =>
    s.fields
      .filter((f) => f.outOfRange > 0 || f.nulls > 0)
      .map((f) => ({
        source: s.source,
        field: f.field,
        documented: f.documented ?? '',
        'empty %': percent(f.nullShare),
        'out of range': f.outOfRange,
      })),
  )
}

function quarantineChart(report: QualityReport): object {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Quarantined rows by source and reason',
    data: {values: report.sources.flatMap((s) => s.quarantine.map((q) => ({source: s.source, reason: q.code, rows: q.count})))},
    mark: 'bar',
    encoding: {
      y: {field: 'source', type: 'nominal'},
      x: {field: 'rows', type: 'quantitative', stack: 'zero'},
      color: {field: 'reason', type: 'nominal'},
    },
    width: 600,
    height: 200,
  }
}

/**
 * `ccx report quality`: what was loaded and how clean it is, per source and field. It reads the raw tables and the
 * ingest bookkeeping only (no pipeline), and covers every row loaded: the range flags do not apply.
 */
export default defineReport<CommonOptions, QualityReport>({
  id: 'service/quality',
  title: 'Data quality',
  needs: {tables: ['ingest_files', 'quarantine'], pipelines: []},
  run: (ctx) => qualityReport(ctx.store),
  rows: qualityRows,
  text: (report) => [
    {title: 'Findings', lines: report.findings.length > 0 ? report.findings : ['nothing to report: no quarantined, flagged or out-of-range rows']},
    {title: 'Sources', rows: sourceRows(report)},
    {title: 'Fields with empty or out-of-range values', rows: fieldRows(report)},
  ],
  charts: (report) => [quarantineChart(report)],
  notes: (report) => (report.sources.length === 0 ? ['no data loaded yet: ccx ingest <source> FILE'] : []),
  section: async (ctx) => {
    const report = await qualityReport(ctx.store)
    return [
      {
        title: 'Data quality',
        description: report.findings.length > 0 ? report.findings.join(' · ') : 'No quarantined, flagged or out-of-range rows.',
        charts: report.sources.some((s) => s.quarantined > 0) ? [quarantineChart(report)] : [],
        tables: [
          {title: 'Loaded per source', rows: sourceRows(report)},
          {title: 'Fields with empty or out-of-range values', rows: fieldRows(report)},
        ],
      },
    ]
  },
})
