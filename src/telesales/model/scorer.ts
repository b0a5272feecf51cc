/**
 * Scores utterances with a trained script model. The model is linear, so a sentence's logit for script k is
 * b_k + own(text) + asPrev(previous text) + asNext(next text) + position: the three text parts depend on one
 * text only and are computed once per distinct text (`prepareInto`), the call loop only adds them up.
 */
import {Featurizer, type Block} from './features.js'
import {decodeFloat32, decodeInt32, type ScriptModelFile} from './format.js'
import type {Tokenizer} from '../text.js'

export class ModelScorer {
  /** Model scripts (detector = model), in weight-column order. */
  readonly ids: string[]
  readonly speakers: string[]
  readonly thresholds: Float64Array
  readonly bias: Float64Array
  readonly K: number
  readonly featurizer: Featurizer
  private readonly rowOf: Int32Array
  private readonly W: Float32Array
  private readonly positionCache = new Map<number, Float32Array>()

  constructor(
    readonly model: ScriptModelFile,
    tokenizer?: Tokenizer,
  ) {
    const scripts = model.scripts.filter((s) => s.detector === 'model')
    this.ids = scripts.map((s) => s.id)
    this.speakers = scripts.map((s) => s.speaker)
    this.thresholds = Float64Array.from(scripts.map((s) => s.threshold))
    this.bias = Float64Array.from(scripts.map((s) => s.bias))
    this.K = scripts.length
    this.featurizer = new Featurizer(model.features, tokenizer)
    const buckets = decodeInt32(model.weights.buckets)
    this.W = decodeFloat32(model.weights.values)
    this.rowOf = new Int32Array(1 << model.features.bits).fill(-1)
    buckets.forEach((b, r) => (this.rowOf[b] = r))
  }

  /** Floats per prepared text: own | asPrev | asNext, K each. */
  get stride(): number {
    return 3 * this.K
  }

  private addBlock(block: Block, out: Float32Array, offset: number): void {
    const K = this.K
    for (let i = 0; i < block.index.length; i++) {
      const r = this.rowOf[block.index[i]]
      if (r < 0) continue
      const base = r * K
      for (let k = 0; k < K; k++) out[offset + k] += block.value * this.W[base + k]
    }
  }

  /** Writes the text's three partial scores at out[offset .. offset + 3K). */
  prepareInto(text: string, out: Float32Array, offset: number): void {
    out.fill(0, offset, offset + this.stride)
    const f = this.featurizer.text(text)
    this.addBlock(f.own, out, offset)
    this.addBlock(f.asPrev, out, offset + this.K)
    this.addBlock(f.asNext, out, offset + 2 * this.K)
  }

  prepare(text: string): Float32Array {
    const out = new Float32Array(this.stride)
    this.prepareInto(text, out, 0)
    return out
  }

  private positionScore(index: number, count: number, firstOfTurn: boolean): Float32Array | undefined {
    if (this.model.features.position <= 0) return undefined
    // Everything positionBuckets distinguishes, as one number: index up to 24, distance from the end up to 6, fifth, opening.
    const key =
      ((Math.min(index, 24) * 7 + Math.min(count - 1 - index, 6)) * 5 + Math.min(4, Math.floor((5 * index) / Math.max(1, count)))) * 2 +
      (firstOfTurn ? 1 : 0)
    let v = this.positionCache.get(key)
    if (!v) {
      v = new Float32Array(this.K)
      const buckets = this.featurizer.positionBuckets(index, count, firstOfTurn)
      this.addBlock({index: Int32Array.from(buckets), value: this.model.features.position}, v, 0)
      this.positionCache.set(key, v)
    }
    return v
  }

  /**
   * Probabilities of a call's utterances (in order): `prepared` holds each utterance's 3K partial scores at
   * offsets[i]; writes n×K probabilities into `out` (row-major).
   */
  scoreSequence(prepared: Float32Array, offsets: ArrayLike<number>, firstOfTurn: ArrayLike<boolean>, out: Float64Array): void {
    const n = offsets.length
    const K = this.K
    for (let i = 0; i < n; i++) {
      const own = offsets[i]
      const prev = i > 0 ? offsets[i - 1] + K : -1
      const next = i + 1 < n ? offsets[i + 1] + 2 * K : -1
      const pos = this.positionScore(i, n, firstOfTurn[i])
      for (let k = 0; k < K; k++) {
        let z = this.bias[k] + prepared[own + k]
        if (prev >= 0) z += prepared[prev + k]
        if (next >= 0) z += prepared[next + k]
        if (pos) z += pos[k]
        out[i * K + k] = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))
      }
    }
  }
}
