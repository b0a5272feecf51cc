import type {Pipeline} from './types.js'

/** Pipelines in dependency order: a pipeline comes after every pipeline that writes a table it reads. */
export function orderPipelines(pipelines: Pipeline[]): Pipeline[] {
  const writers = new Map<string, string>()
  for (const p of pipelines)
    for (const t of p.writes) {
      const other = writers.get(t)
      if (other && other !== p.name) throw new Error(`tables may have one writer: ${t} is written by ${other} and ${p.name}`)
      writers.set(t, p.name)
    }
  const byName = new Map(pipelines.map((p) => [p.name, p]))
  const ordered: Pipeline[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (p: Pipeline, path: string[]) => {
    const s = state.get(p.name)
    if (s === 'done') return
    if (s === 'visiting') throw new Error(`pipeline cycle: ${[...path, p.name].join(' → ')}`)
    state.set(p.name, 'visiting')
    for (const t of p.reads) {
      const w = writers.get(t)
      if (w && w !== p.name) visit(byName.get(w)!, [...path, p.name])
    }
    state.set(p.name, 'done')
    ordered.push(p)
  }
  for (const p of [...pipelines].sort((a, b) => a.name.localeCompare(b.name))) visit(p, [])
  return ordered
}

/** The named pipelines plus everything upstream of them, in dependency order. */
export function withUpstream(pipelines: Pipeline[], names: string[]): Pipeline[] {
  const ordered = orderPipelines(pipelines)
  const unknown = names.filter((n) => !pipelines.some((p) => p.name === n))
  if (unknown.length > 0) throw new Error(`unknown pipeline: ${unknown.join(', ')} (known: ${pipelines.map((p) => p.name).join(', ')})`)
  const writers = new Map<string, Pipeline>()
  for (const p of pipelines) for (const t of p.writes) writers.set(t, p)
  const wanted = new Set<string>()
  const add = (p: Pipeline) => {
    if (wanted.has(p.name)) return
    wanted.add(p.name)
    for (const t of p.reads) {
      const w = writers.get(t)
      if (w && w !== p) add(w)
    }
  }
  for (const n of names) add(pipelines.find((p) => p.name === n)!)
  return ordered.filter((p) => wanted.has(p.name))
}

/** Upstream pipeline names of each pipeline (for `ccx run --list`). */
export function dependencies(pipelines: Pipeline[]): Map<string, string[]> {
  const writers = new Map<string, string>()
  for (const p of pipelines) for (const t of p.writes) writers.set(t, p.name)
  return new Map(
    pipelines.map((p) => [p.name, [...new Set(p.reads.map((t) => writers.get(t)).filter((w): w is string => Boolean(w) && w !== p.name))]]),
  )
}
