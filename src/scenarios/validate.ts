import {z} from 'zod'
import {JsonSyntaxError, lineOf, parseWithPositions} from '../config/json-positions.js'
import type {Directory, ScenariosFile} from './types.js'

const names = z.array(z.string().min(1)).min(1)
const range = z.strictObject({min: z.number().optional(), max: z.number().optional()})
const limits = z.strictObject({
  perPageview: z.number().int().min(0).optional(),
  perVisit: z.number().int().min(0).optional(),
  perVisitor: z.number().int().min(0).optional(),
})
const resourceType = z.enum(['repair_station', 'dealer', 'store', 'partner'])
const routeKind = z.enum(['skill_group', 'local_partner', 'previous_agent', 'least_loaded'])

const ConditionsSchema = z.strictObject({
  intent: names.optional(),
  minConfidence: z.number().min(0).max(1).optional(),
  province: names.optional(),
  city: names.optional(),
  source: names.optional(),
  medium: names.optional(),
  termContains: names.optional(),
  visitNumber: range.optional(),
  dwellS: range.optional(),
  pages: range.optional(),
  urlContains: names.optional(),
  hour: z.strictObject({from: z.number().int().min(0).max(23), to: z.number().int().min(0).max(24)}).optional(),
  device: names.optional(),
  hasPreviousAgent: z.boolean().optional(),
})

const ActionSchema = z
  .strictObject({
    type: z.enum(['card', 'invite', 'route', 'lead_form']),
    message: z.string().min(1).optional(),
    resource: z
      .strictObject({
        type: z.union([resourceType, z.array(resourceType).min(1)]),
        near: z.enum(['city', 'city-then-province']).optional(),
        tier: z.string().optional(),
      })
      .optional(),
    route: z
      .strictObject({
        kind: routeKind,
        target: z.string().min(1).optional(),
        fallback: z.strictObject({kind: routeKind, target: z.string().min(1)}).optional(),
      })
      .optional(),
    requireResource: z.boolean().optional(),
  })
  .superRefine((a, ctx) => {
    if (a.type === 'card' && !a.resource && !a.message)
      ctx.addIssue({code: 'custom', path: ['resource'], message: 'a card needs a "resource" (or at least a "message")'})
    if (a.type === 'invite' && !a.message)
      ctx.addIssue({code: 'custom', path: ['message'], message: 'an invite needs a "message" the visitor sees'})
    if (a.type === 'route' && !a.route) ctx.addIssue({code: 'custom', path: ['route'], message: 'a route action needs "route"'})
    if (a.route && (a.route.kind === 'skill_group' || a.route.kind === 'least_loaded') && !a.route.target) {
      ctx.addIssue({code: 'custom', path: ['route', 'target'], message: `route kind "${a.route.kind}" needs a "target" (the skill group)`})
    }
    if (a.route?.kind === 'local_partner' && !a.resource) {
      ctx.addIssue({
        code: 'custom',
        path: ['route', 'kind'],
        message: 'route kind "local_partner" needs a "resource" pick on the same action (the partner it routes to)',
      })
    }
  })

const ScenarioSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'ids are lower-case letters, digits, "-" and "_"'),
  description: z.string().optional(),
  priority: z.number().default(0),
  enabled: z.boolean().default(true),
  when: ConditionsSchema.default({}),
  actions: z.array(ActionSchema).min(1),
  limits: limits.default({perPageview: 1, perVisit: 1}),
})

export const ScenariosFileSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1).default(1),
  limits: limits.default({}),
  scenarios: z.array(ScenarioSchema),
})

export interface ScenarioIssue {
  line: number
  /** Dotted path of the field at fault, e.g. scenarios.2.when.visitNumber.min */
  field: string
  message: string
}

export interface CheckResult {
  file?: ScenariosFile
  issues: ScenarioIssue[]
}

/**
 * Validates a scenarios file's text. Issues name the line and the field. `knownIntents` (when given) flags
 * conditions on intents the intents file does not define.
 */
export function checkScenariosText(text: string, options: {knownIntents?: string[]; directory?: Directory} = {}): CheckResult {
  let parsed: ReturnType<typeof parseWithPositions>
  try {
    parsed = parseWithPositions(text)
  } catch (error) {
    if (error instanceof JsonSyntaxError) return {issues: [{line: error.line, field: '(syntax)', message: error.message}]}
    throw error
  }
  const {value, positions} = parsed
  const result = ScenariosFileSchema.safeParse(value)
  if (!result.success) {
    return {
      issues: result.error.issues.map((i) => {
        // Unknown keys: point at the key itself.
        const keys = (i as {keys?: string[]}).keys
        const path = keys && keys.length > 0 ? [...i.path, keys[0]] : i.path
        return {line: lineOf(positions, path), field: path.map(String).join('.') || '(root)', message: i.message}
      }),
    }
  }
  const file = result.data as ScenariosFile
  const issues: ScenarioIssue[] = []
  const seen = new Map<string, number>()
  file.scenarios.forEach((s, n) => {
    const at = (...path: Array<string | number>) => ({
      line: lineOf(positions, ['scenarios', n, ...path]),
      field: ['scenarios', n, ...path].join('.'),
    })
    if (seen.has(s.id)) issues.push({...at('id'), message: `duplicate scenario id "${s.id}" (first at scenarios.${seen.get(s.id)})`})
    else seen.set(s.id, n)
    s.when.intent?.forEach((intent, k) => {
      if (options.knownIntents && !options.knownIntents.includes(intent)) {
        issues.push({
          ...at('when', 'intent', k),
          message: `unknown intent "${intent}"; the intents file defines: ${options.knownIntents.join(', ')}`,
        })
      }
    })
    for (const key of ['visitNumber', 'dwellS', 'pages'] as const) {
      const r = s.when[key]
      if (r && r.min !== undefined && r.max !== undefined && r.min > r.max)
        issues.push({...at('when', key), message: `min (${r.min}) is greater than max (${r.max})`})
    }
    s.actions.forEach((a, k) => {
      if (!a.resource || !options.directory) return
      const types = Array.isArray(a.resource.type) ? a.resource.type : [a.resource.type]
      if (!options.directory.resources.some((r) => types.includes(r.type))) {
        issues.push({...at('actions', k, 'resource', 'type'), message: `the resource directory has no resource of type ${types.join('/')}`})
      }
    })
  })
  return issues.length > 0 ? {file, issues} : {file, issues: []}
}
