// How every ccx bench compares ccx with its baseline (docs/benchmarks.md): a warm-up of each side that is not counted,
// then ≥ 3 rounds alternating which side goes first, so a slow spell of a shared machine or a warm page cache weighs on
// both sides; min/median/max of wall time, CPU time and peak RSS per side, the median of the per-round ratios, and the
// machine's load before and after.
import {cpus, loadavg, totalmem} from 'node:os'

export function median(values) {
  const s = [...values].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** {min, median, max} of numbers. */
export function spread(values) {
  return {min: Math.min(...values), median: median(values), max: Math.max(...values)}
}

export function machine() {
  const [one, five] = loadavg()
  return {cores: cpus().length, memGB: +(totalmem() / 2 ** 30).toFixed(1), load1: +one.toFixed(2), load5: +five.toFixed(2)}
}

/**
 * Runs `sides` (each {name, run: async (round) => {ms, cpuMs, peakRssMb}}) `warmup` times each, then `rounds` rounds in
 * alternating order; `before(round)` runs first in every round (untimed: fresh databases, dropped tables). The ratio is
 * sides[0] over sides[1], per round, and its median is the figure a target is checked against.
 */
export async function alternate({sides, rounds = 3, warmup = 1, before, log = console.error}) {
  if (sides.length !== 2) throw new Error('alternate compares two sides')
  const load = {before: machine()}
  for (let w = 0; w < warmup; w++) {
    if (before) await before(`warm-up ${w + 1}`)
    for (const side of sides) {
      const r = await side.run(`warm-up ${w + 1}`)
      log(`warm-up ${w + 1}: ${side.name} ${fmt(r)} (not counted)`)
    }
  }
  const samples = sides.map(() => [])
  const ratios = {wall: [], cpu: []}
  for (let round = 1; round <= rounds; round++) {
    if (before) await before(round)
    const order = round % 2 ? [0, 1] : [1, 0]
    const got = []
    for (const i of order) {
      got[i] = await sides[i].run(round)
      samples[i].push(got[i])
    }
    ratios.wall.push(got[0].ms / got[1].ms)
    ratios.cpu.push(got[0].cpuMs / got[1].cpuMs)
    log(`round ${round}: ${order.map((i) => `${sides[i].name} ${fmt(got[i])}`).join('; ')}; ratio ${(got[0].ms / got[1].ms).toFixed(2)}`)
  }
  load.after = machine()
  const summary = {rounds, warmup, load, sides: {}}
  sides.forEach((side, i) => {
    summary.sides[side.name] = {
      wallS: round2(spread(samples[i].map((s) => s.ms / 1000))),
      cpuS: round2(spread(samples[i].map((s) => s.cpuMs / 1000))),
      peakRssMB: round0(spread(samples[i].map((s) => s.peakRssMb))),
    }
  })
  summary.ratio = {wall: round2(spread(ratios.wall)), cpu: round2(spread(ratios.cpu))}
  return summary
}

/** Lines for people: each side's min/median/max and the median ratio. */
export function report(summary, names) {
  const [a, b] = names ?? Object.keys(summary.sides)
  const line = (name) => {
    const s = summary.sides[name]
    return `${name.padEnd(34)} wall ${mmm(s.wallS, 's')}  cpu ${mmm(s.cpuS, 's')}  peak RSS ${mmm(s.peakRssMB, 'MB')}`
  }
  const l = summary.load
  return [
    `machine: ${l.before.cores} cores, ${l.before.memGB} GB; load (1 min / 5 min) ${l.before.load1} / ${l.before.load5} before, ${l.after.load1} / ${l.after.load5} after`,
    `${summary.rounds} rounds alternating after ${summary.warmup} warm-up; min / median / max:`,
    line(a),
    line(b),
    `ratio ${a} / ${b}: wall ${mmm(summary.ratio.wall, '')} (median ${summary.ratio.wall.median}), cpu ${mmm(summary.ratio.cpu, '')}`,
  ].join('\n')
}

function fmt(r) {
  return `${(r.ms / 1000).toFixed(2)} s (cpu ${(r.cpuMs / 1000).toFixed(2)} s, ${Math.round(r.peakRssMb)} MB)`
}
function mmm(s, unit) {
  return `${s.min} / ${s.median} / ${s.max}${unit ? ` ${unit}` : ''}`
}
function round2(s) {
  return {min: +s.min.toFixed(2), median: +s.median.toFixed(2), max: +s.max.toFixed(2)}
}
function round0(s) {
  return {min: Math.round(s.min), median: Math.round(s.median), max: Math.round(s.max)}
}
