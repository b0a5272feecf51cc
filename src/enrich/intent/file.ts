import {existsSync, readFileSync} from 'node:fs'
import {resolve} from 'node:path'
import {z} from 'zod'
import {CcxError, EXIT} from '../../errors.js'
import type {IntentModel} from './model.js'
import {defaultIntentsPath, modelPathIn} from './paths.js'
import type {IntentsFile} from './types.js'

export {defaultIntentsPath, defaultsDir, intentsPathFor} from './paths.js'

const RuleSchema = z
  .object({
    fields: z
      .array(z.enum(['term', 'url', 'title']))
      .min(1)
      .default(['term', 'title']),
    contains: z.array(z.string().min(1)).default([]),
    regex: z.string().optional(),
    weight: z.number().positive().default(1),
  })
  .refine((r) => r.contains.length > 0 || r.regex, {message: 'a rule needs "contains" or "regex"'})
  .refine(
    (r) => {
      if (!r.regex) return true
      try {
        new RegExp(r.regex)
        return true
      } catch {
        return false
      }
    },
    {message: 'regex does not compile', path: ['regex']},
  )

export const IntentsFileSchema = z.object({
  version: z.literal(1).default(1),
  threshold: z.number().min(0).max(1).default(0.5),
  model: z.string().optional(),
  intents: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'ids are lower_snake_case'),
        label: z.string().default(''),
        rules: z.array(RuleSchema).default([]),
      }),
    )
    .min(1),
})

export function loadIntentsFile(path: string): IntentsFile {
  if (!existsSync(path)) throw new CcxError(`intents file not found: ${path}`, {code: 'INTENTS_MISSING', exit: EXIT.badInput})
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new CcxError(`intents file ${path} is not valid JSON: ${(error as Error).message}`, {
      code: 'INTENTS_INVALID',
      exit: EXIT.invalidConfig,
    })
  }
  const parsed = IntentsFileSchema.safeParse(raw)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
    throw new CcxError(`intents file ${path} is invalid: ${issues}`, {
      code: 'INTENTS_INVALID',
      exit: EXIT.invalidConfig,
      suggestions: ['See docs/metrics.md "Intent classification" for the format.'],
    })
  }
  return parsed.data as IntentsFile
}

export function loadModel(path: string): IntentModel {
  if (!existsSync(path))
    throw new CcxError(`intent model not found: ${path}; train one with \`ccx intent train --labels FILE\``, {
      code: 'MODEL_MISSING',
      exit: EXIT.badInput,
    })
  const model = JSON.parse(readFileSync(path, 'utf8')) as IntentModel
  if (model.kind !== 'naive-bayes' || !Array.isArray(model.classes)) {
    throw new CcxError(`${path} is not a ccx intent model`, {code: 'MODEL_INVALID', exit: EXIT.invalidConfig})
  }
  return model
}

/** The intents file and its model; `modelPath` overrides the file's own `model` entry. */
export function loadIntents(
  intentsPath = defaultIntentsPath(),
  modelPath?: string,
): {file: IntentsFile; model?: IntentModel; modelPath?: string} {
  const file = loadIntentsFile(intentsPath)
  const rel = modelPath ?? file.model
  if (!rel) return {file}
  const abs = modelPath ? resolve(modelPath) : modelPathIn(intentsPath, rel)
  return {file, model: loadModel(abs), modelPath: abs}
}
