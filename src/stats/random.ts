/** Seeded PRNGs (mulberry32): splits, permutations, bootstrap and simulated data are reproducible from a seed. */
export type Rng = () => number

/** mulberry32 started at `seed`. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** mulberry32 with the seed mixed first, so small seeds (1, 2, 3) start far apart. */
export function createRng(seed: number): Rng {
  return mulberry32((seed >>> 0) ^ 0x9e3779b9)
}

export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n)
}

/** In-place Fisher–Yates shuffle. */
export function shuffle<T>(rng: Rng, items: T[] | Int32Array | Uint8Array): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    const t = items[i]
    items[i] = items[j]
    items[j] = t as never
  }
}
