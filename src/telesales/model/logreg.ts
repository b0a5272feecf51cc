/**
 * Binary logistic regression with an L2 penalty and per-example weights, fitted by L-BFGS on a sparse matrix.
 * Objective: Σᵢ cᵢ·log(1 + exp(−yᵢ(xᵢ·w + b))) + ‖w‖²/(2C), the bias not penalised (docs/telesales.md).
 * Pure and deterministic: the same data give the same weights.
 */

/** Rows in compressed sparse row form over `columns` columns. */
export interface SparseRows {
  rows: number
  columns: number
  /** Row r's entries are [start[r], start[r+1]). */
  start: Int32Array
  index: Int32Array
  value: Float32Array
}

export interface FitOptions {
  /** Inverse regularisation strength (larger = less penalty). */
  C: number
  maxIterations?: number
  /** Stop when the largest gradient component is below this (relative to the total example weight). */
  tolerance?: number
  /** L-BFGS memory. */
  memory?: number
}

export interface Fitted {
  weights: Float64Array
  bias: number
  iterations: number
  loss: number
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] * b[i]
  return s
}

/**
 * Fits K independent regressions at once (one per column of y and c, row-major n × K): their objectives are
 * separate, so minimising the sum minimises each, and one pass over X serves all K (the data are read once per
 * evaluation instead of K times). Parameters: weights d × K (row-major), then K biases.
 */
export function fitLogisticMulti(X: SparseRows, y: Uint8Array, c: Float64Array, K: number, options: FitOptions): FittedMulti {
  const d = X.columns
  const n = X.rows
  const lambda = 1 / options.C
  const maxIter = options.maxIterations ?? 300
  const m = options.memory ?? 8
  const P = d * K + K
  let totalWeight = 0
  for (let i = 0; i < n * K; i++) totalWeight += c[i]
  const tol = (options.tolerance ?? 1e-5) * Math.max(1, totalWeight / K)
  const z = new Float64Array(K)

  const evaluate = (p: Float64Array, grad: Float64Array): number => {
    grad.fill(0)
    let loss = 0
    const biasAt = d * K
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < K; k++) z[k] = p[biasAt + k]
      const from = X.start[i]
      const to = X.start[i + 1]
      for (let e = from; e < to; e++) {
        const v = X.value[e]
        const base = X.index[e] * K
        for (let k = 0; k < K; k++) z[k] += v * p[base + k]
      }
      for (let k = 0; k < K; k++) {
        const sign = y[i * K + k] ? 1 : -1
        const sz = sign * z[k]
        const w = c[i * K + k]
        loss += w * (sz > 0 ? Math.log1p(Math.exp(-sz)) : -sz + Math.log1p(Math.exp(sz)))
        // d/dz of w·log(1+exp(−s z)) = −w·s·σ(−s z)
        const sig = sz > 0 ? Math.exp(-sz) / (1 + Math.exp(-sz)) : 1 / (1 + Math.exp(sz))
        z[k] = -w * sign * sig
        grad[biasAt + k] += z[k]
      }
      for (let e = from; e < to; e++) {
        const v = X.value[e]
        const base = X.index[e] * K
        for (let k = 0; k < K; k++) grad[base + k] += z[k] * v
      }
    }
    let reg = 0
    for (let j = 0; j < d * K; j++) {
      reg += p[j] * p[j]
      grad[j] += lambda * p[j]
    }
    return loss + 0.5 * lambda * reg
  }

  const p = new Float64Array(P)
  let g = new Float64Array(P)
  let f = evaluate(p, g)
  const S: Float64Array[] = []
  const Yv: Float64Array[] = []
  const rho: number[] = []
  const dir = new Float64Array(P)
  const alpha = new Float64Array(m)
  const trial = new Float64Array(P)
  let gTrial = new Float64Array(P)
  let iterations = 0
  for (; iterations < maxIter; iterations++) {
    let gMax = 0
    for (let j = 0; j < P; j++) gMax = Math.max(gMax, Math.abs(g[j]))
    if (gMax < tol) break
    // Two-loop recursion: dir = −H·g.
    for (let j = 0; j < P; j++) dir[j] = -g[j]
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], dir)
      const yk = Yv[k]
      for (let j = 0; j < P; j++) dir[j] -= alpha[k] * yk[j]
    }
    const gamma = S.length > 0 ? dot(S.at(-1)!, Yv.at(-1)!) / dot(Yv.at(-1)!, Yv.at(-1)!) : 1 / Math.max(1, gMax)
    for (let j = 0; j < P; j++) dir[j] *= gamma
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Yv[k], dir)
      const sk = S[k]
      for (let j = 0; j < P; j++) dir[j] += (alpha[k] - beta) * sk[j]
    }
    let slope = dot(g, dir)
    if (slope >= 0) {
      // Not a descent direction (curvature lost): restart from steepest descent.
      S.length = 0
      Yv.length = 0
      rho.length = 0
      for (let j = 0; j < P; j++) dir[j] = -g[j] / Math.max(1, gMax)
      slope = dot(g, dir)
    }
    // Backtracking line search (Armijo).
    let step = 1
    let fTrial = 0
    let accepted = false
    for (let tries = 0; tries < 40; tries++) {
      for (let j = 0; j < P; j++) trial[j] = p[j] + step * dir[j]
      fTrial = evaluate(trial, gTrial)
      if (fTrial <= f + 1e-4 * step * slope) {
        accepted = true
        break
      }
      step *= 0.5
    }
    if (!accepted) break
    const s = S.length === m ? S.shift()! : new Float64Array(P)
    const yv = Yv.length === m ? Yv.shift()! : new Float64Array(P)
    if (rho.length === m) rho.shift()
    for (let j = 0; j < P; j++) {
      s[j] = trial[j] - p[j]
      yv[j] = gTrial[j] - g[j]
    }
    const sy = dot(s, yv)
    if (sy > 1e-12) {
      S.push(s)
      Yv.push(yv)
      rho.push(1 / sy)
    }
    p.set(trial)
    const swap = g
    g = gTrial
    gTrial = swap
    const improvement = f - fTrial
    f = fTrial
    if (improvement < 1e-10 * Math.max(1, Math.abs(f))) break
  }
  return {weights: p.subarray(0, d * K), bias: p.subarray(d * K), iterations, loss: f}
}

export interface FittedMulti {
  /** d × K, row-major. */
  weights: Float64Array
  bias: Float64Array
  iterations: number
  loss: number
}

/** One regression (K = 1). */
export function fitLogistic(X: SparseRows, y: Uint8Array, c: Float64Array, options: FitOptions): Fitted {
  const fit = fitLogisticMulti(X, y, c, 1, options)
  return {weights: fit.weights, bias: fit.bias[0], iterations: fit.iterations, loss: fit.loss}
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))
}
