import {z} from 'zod'
import {DirectiveLabelsSchema, DirectiveTypeSchema, ResourceTypeSchema, RouteKindSchema} from './directives.js'
import {PROBE_EVENT_TYPES} from './events.js'

/** The scenarios file (docs/scenarios.md): strict JSON, so a mistyped key is an error, not ignored. */

const names = z.array(z.string().min(1)).min(1)

export const NumberRangeSchema = z.strictObject({min: z.number().optional(), max: z.number().optional()})
export type NumberRange = z.infer<typeof NumberRangeSchema>

export const LimitsSchema = z.strictObject({
  perPageview: z.number().int().min(0).optional(),
  perVisit: z.number().int().min(0).optional(),
  perVisitor: z.number().int().min(0).optional(),
})
export type Limits = z.infer<typeof LimitsSchema>

/** All present conditions must hold (AND); list values are any-of (OR); strings compare case-insensitively. */
export const ConditionsSchema = z.strictObject({
  intent: names.optional(),
  minConfidence: z.number().min(0).max(1).optional(),
  province: names.optional(),
  city: names.optional(),
  source: names.optional(),
  medium: names.optional(),
  termContains: names.optional(),
  visitNumber: NumberRangeSchema.optional(),
  dwellS: NumberRangeSchema.optional(),
  pages: NumberRangeSchema.optional(),
  urlContains: names.optional(),
  /** from ≤ hour < to; wraps past midnight when from > to. */
  hour: z.strictObject({from: z.number().int().min(0).max(23), to: z.number().int().min(0).max(24)}).optional(),
  device: names.optional(),
  hasPreviousAgent: z.boolean().optional(),
  /** serve only: the probe's batch holds one of these events (`chat_end`, `exit_intent`, `order`…). */
  on: z.array(z.enum(PROBE_EVENT_TYPES)).min(1).optional(),
})
export type Conditions = z.infer<typeof ConditionsSchema>

export const ResourcePickSchema = z.strictObject({
  type: z.union([ResourceTypeSchema, z.array(ResourceTypeSchema).min(1)]),
  /** Take a resource in the visitor's city, else province (`province`), else none. Default `city-then-province`. */
  near: z.enum(['city', 'city-then-province']).optional(),
  /** Prefer this tier (e.g. "gold") among the candidates. */
  tier: z.string().optional(),
})
export type ResourcePick = z.infer<typeof ResourcePickSchema>

export const RouteSpecSchema = z.strictObject({
  kind: RouteKindSchema,
  /** skill_group / least_loaded: the group; local_partner: taken from the resource; previous_agent: from the context. */
  target: z.string().min(1).optional(),
  /** Where to route when the kind cannot be resolved (no local partner, no previous agent). */
  fallback: z.strictObject({kind: RouteKindSchema, target: z.string().min(1)}).optional(),
})
export type RouteSpec = z.infer<typeof RouteSpecSchema>

export const ActionSchema = z
  .strictObject({
    type: DirectiveTypeSchema,
    /** May use {city}, {province}, {term}, {resource.name}, {resource.phone}, {resource.address}. */
    message: z.string().min(1).optional(),
    /** The widget's heading; the same placeholders as message. */
    title: z.string().min(1).optional(),
    /** Button and field wording of the widget (default: the probe's, in the page's language). */
    labels: DirectiveLabelsSchema.optional(),
    resource: ResourcePickSchema.optional(),
    route: RouteSpecSchema.optional(),
    /** When a resource is asked for and none is found: skip the action (default) or fire without it. */
    requireResource: z.boolean().optional(),
    /** survey: the questionnaire id (docs/surveys.md). */
    survey: z.string().min(1).optional(),
  })
  .superRefine((a, ctx) => {
    if (a.type === 'card' && !a.resource && !a.message)
      ctx.addIssue({code: 'custom', path: ['resource'], message: 'a card needs a "resource" (or at least a "message")'})
    if (a.type === 'invite' && !a.message)
      ctx.addIssue({code: 'custom', path: ['message'], message: 'an invite needs a "message" the visitor sees'})
    if (a.type === 'survey' && !a.survey)
      ctx.addIssue({code: 'custom', path: ['survey'], message: 'a survey action needs "survey" (a questionnaire id)'})
    if (a.survey && a.type !== 'survey')
      ctx.addIssue({code: 'custom', path: ['survey'], message: '"survey" belongs to actions of type survey'})
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
export type Action = z.infer<typeof ActionSchema>

export const ScenarioSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'ids are lower-case letters, digits, "-" and "_"'),
  description: z.string().optional(),
  priority: z.number().default(0),
  enabled: z.boolean().default(true),
  when: ConditionsSchema.default({}),
  actions: z.array(ActionSchema).min(1),
  limits: LimitsSchema.default({perPageview: 1, perVisit: 1}),
})
export type Scenario = z.infer<typeof ScenarioSchema>

export const ScenariosFileSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1).default(1),
  /** Caps on all scenarios together. */
  limits: LimitsSchema.default({}),
  scenarios: z.array(ScenarioSchema),
})
export type ScenariosFile = z.infer<typeof ScenariosFileSchema>
