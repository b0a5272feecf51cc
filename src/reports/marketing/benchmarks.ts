import {existsSync, readFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {z} from 'zod'
import {resolveFrom, type LoadedConfig} from '../../config/locate.js'
import {CcxError, EXIT} from '../../errors.js'

const rate = z.number().min(0).max(1)

/** One benchmark figure set; `*` matches any industry, engine or keyword. */
export const BenchmarkEntry = z.object({
  industry: z.string().default('*'),
  engine: z.string().default('*'),
  keyword: z.string().default('*'),
  inquiry_rate: rate.optional(),
  lead_rate: rate.optional(),
  order_rate: rate.optional(),
  source: z.string().min(1, 'every figure needs its source'),
  /** True for a figure that is not a published statistic (ccx's shipped figures): the report says so beside it. */
  example: z.boolean().default(false),
  as_of: z.string().optional(),
})
export type BenchmarkEntry = z.infer<typeof BenchmarkEntry>

export const BenchmarksFile = z.object({
  description: z.string().optional(),
  version: z.literal(1).default(1),
  benchmarks: z.array(BenchmarkEntry),
})

export type RateMetric = 'inquiry_rate' | 'lead_rate' | 'order_rate'

/** The shipped defaults/benchmarks.json (src/reports/marketing → ../../../defaults, likewise in dist). */
function defaultBenchmarksPath(): string {
  return resolve(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'defaults', 'benchmarks.json'))
}

/** The benchmarks file to use: the one given (--benchmarks), else config files.benchmarks, else the shipped default. */
export function benchmarksPath(config: LoadedConfig, file?: string): string {
  if (file) return file
  const configured = config.config.files.benchmarks
  return configured ? resolveFrom(config.baseDir, configured) : defaultBenchmarksPath()
}

export function loadBenchmarks(path: string): BenchmarkEntry[] {
  if (!existsSync(path)) throw new CcxError(`benchmarks file not found: ${path}`, {code: 'NO_BENCHMARKS', exit: EXIT.badInput})
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new CcxError(`benchmarks file ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, {code: 'BAD_BENCHMARKS', exit: EXIT.invalidConfig})
  }
  const parsed = BenchmarksFile.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new CcxError(`benchmarks file ${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`, {
      code: 'BAD_BENCHMARKS',
      exit: EXIT.invalidConfig,
      suggestions: ['Format: {"benchmarks": [{"industry", "engine", "keyword", "lead_rate", "source"}]} — see docs/metrics.md'],
    })
  }
  return parsed.data.benchmarks
}

/** The most specific entry with the metric: exact keyword beats `*`, then exact engine, then exact industry. */
export function findBenchmark(
  entries: BenchmarkEntry[],
  industry: string | null,
  engine: string | null,
  keyword: string,
  metric: RateMetric,
): {rate: number; source: string; example: boolean; entry: BenchmarkEntry} | null {
  let best: {score: number; entry: BenchmarkEntry} | null = null
  for (const e of entries) {
    if (e[metric] === undefined) continue
    if (e.keyword !== '*' && e.keyword !== keyword) continue
    if (e.engine !== '*' && e.engine !== engine) continue
    if (e.industry !== '*' && e.industry !== industry) continue
    const score = (e.keyword !== '*' ? 4 : 0) + (e.engine !== '*' ? 2 : 0) + (e.industry !== '*' ? 1 : 0)
    if (!best || score > best.score) best = {score, entry: e}
  }
  return best ? {rate: best.entry[metric]!, source: best.entry.source, example: best.entry.example, entry: best.entry} : null
}

/** How a benchmark names itself beside its figure: its source, and "(example)" when it is not a published statistic. */
export function benchmarkLabel(b: {source: string; example: boolean}): string {
  return b.example ? `${b.source} (example, not a published statistic)` : b.source
}
