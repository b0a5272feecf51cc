/** The trained script model file (JSON): what `ccx scripts train` writes and the detector reads. */
import {existsSync, readFileSync} from 'node:fs'
import {z} from 'zod'
import {CcxError, EXIT} from '../../errors.js'

export const MODEL_FORMAT = 'ccx-script-model'

const FeatureOptionsSchema = z.object({
  bits: z.number().int().min(10).max(24),
  charMin: z.number().int().min(1).max(8),
  charMax: z.number().int().min(1).max(8),
  bigrams: z.boolean(),
  context: z.number().min(0),
  position: z.number().min(0),
})

const ModelScriptSchema = z.object({
  id: z.string(),
  speaker: z.enum(['agent', 'customer']),
  /** `model`: scored by the classifier; `phrasings`: too few labelled examples, the phrasing matcher decides. */
  detector: z.enum(['model', 'phrasings']),
  bias: z.number(),
  /** Probability at or above which a sentence says the script (calibrated on held-out calls). */
  threshold: z.number().min(0).max(1),
  positives: z.number().int(),
  positiveCalls: z.number().int(),
  calibration: z.object({
    targetPrecision: z.number(),
    /** Call-level precision and recall at the threshold on the out-of-fold calls of the training data. */
    precision: z.number().nullable(),
    recall: z.number().nullable(),
    reached: z.boolean(),
  }),
})

const Spread = z.object({mean: z.number(), sd: z.number(), min: z.number(), max: z.number()})

/** What `ccx scripts eval --model FILE` measured for the training procedure of this model (held-out splits). */
export const ModelEvaluationSchema = z.object({
  labels: z.string(),
  at: z.string(),
  seeds: z.array(z.number().int()),
  testShare: z.number(),
  testCalls: z.number().int(),
  callPrecision: Spread,
  callRecall: Spread,
  callF1: Spread,
  targetsMet: z.number().int(),
  /** Per script, mean over the splits of the call-level figures (null: never measurable). */
  scripts: z.array(
    z.object({
      id: z.string(),
      precision: z.number().nullable(),
      recall: z.number().nullable(),
      fireRate: z.number(),
      goldRate: z.number(),
    }),
  ),
})
export type ModelEvaluation = z.infer<typeof ModelEvaluationSchema>

export const ScriptModelSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(1),
  library: z.object({source: z.string(), hash: z.string(), scripts: z.array(z.string())}),
  features: FeatureOptionsSchema,
  tokenizer: z.enum(['jieba', 'none']),
  scripts: z.array(ModelScriptSchema),
  /** Feature buckets with a weight row (base64 Int32, ascending) and the rows (base64 Float32, row-major, one column per model script). */
  weights: z.object({rows: z.number().int().min(0), buckets: z.string(), values: z.string()}),
  training: z.object({
    file: z.string(),
    utterances: z.number().int(),
    calls: z.number().int(),
    seedPhrasings: z.number().int(),
    C: z.number(),
    folds: z.number().int(),
    seed: z.number().int(),
    features: z.number().int(),
  }),
  evaluation: ModelEvaluationSchema.optional(),
})

export type ScriptModelFile = z.infer<typeof ScriptModelSchema>
export type ModelScript = z.infer<typeof ModelScriptSchema>

export function encodeFloat32(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64')
}

export function encodeInt32(a: Int32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64')
}

export function decodeFloat32(s: string): Float32Array {
  const b = Buffer.from(s, 'base64')
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
}

export function decodeInt32(s: string): Int32Array {
  const b = Buffer.from(s, 'base64')
  return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
}

/** Reads and validates a model file; a user-fixable problem is a CcxError naming the file and field. */
export function loadScriptModel(path: string): ScriptModelFile {
  if (!existsSync(path)) {
    throw new CcxError(`script model not found: ${path}`, {
      code: 'MODEL_MISSING',
      exit: EXIT.invalidConfig,
      suggestions: ['Train one with `ccx scripts train --labels FILE --out FILE`, or drop --model / files.scriptModel.'],
    })
  }
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new CcxError(`script model ${path} is not valid JSON: ${(error as Error).message}`, {
      code: 'MODEL_INVALID',
      exit: EXIT.invalidConfig,
    })
  }
  const parsed = ScriptModelSchema.safeParse(raw)
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    throw new CcxError(`script model ${path} is invalid: ${first.path.join('.') || '(top)'}: ${first.message}`, {
      code: 'MODEL_INVALID',
      exit: EXIT.invalidConfig,
      suggestions: ['Re-train it with `ccx scripts train`: the file is written by ccx, not by hand.'],
    })
  }
  const model = parsed.data
  const k = model.scripts.filter((s) => s.detector === 'model').length
  if (
    decodeInt32(model.weights.buckets).length !== model.weights.rows ||
    decodeFloat32(model.weights.values).length !== model.weights.rows * k
  ) {
    throw new CcxError(`script model ${path} is invalid: weights.rows does not match the stored weights`, {
      code: 'MODEL_INVALID',
      exit: EXIT.invalidConfig,
    })
  }
  return model
}
