import {z} from 'zod'

/**
 * Directives: what a scenario fires (the engine's output, batch and realtime alike) and what `serve` sends the probe.
 * The probe (src/serve/assets/probe.js, plain browser JS) and docs/scenarios.md are checked against these lists by a
 * test.
 */

export const DIRECTIVE_TYPES = ['card', 'invite', 'route', 'lead_form'] as const
export const DirectiveTypeSchema = z.enum(DIRECTIVE_TYPES)
export type DirectiveType = z.infer<typeof DirectiveTypeSchema>

export const ROUTE_KINDS = ['skill_group', 'local_partner', 'previous_agent', 'least_loaded'] as const
export const RouteKindSchema = z.enum(ROUTE_KINDS)
export type RouteKind = z.infer<typeof RouteKindSchema>

export const RESOURCE_TYPES = ['repair_station', 'dealer', 'store', 'partner'] as const
export const ResourceTypeSchema = z.enum(RESOURCE_TYPES)
export type ResourceType = z.infer<typeof ResourceTypeSchema>

/** One entry of the resource directory (docs/scenarios.md, "Resource directory"). */
export const ResourceSchema = z.object({
  id: z.string().min(1),
  type: ResourceTypeSchema,
  name: z.string(),
  province: z.string(),
  city: z.string(),
  address: z.string().optional(),
  phone: z.string().optional(),
  hours: z.string().optional(),
  url: z.string().optional(),
  tier: z.string().optional(),
})
export type Resource = z.infer<typeof ResourceSchema>

export const DirectorySchema = z.object({resources: z.array(ResourceSchema)})
export type Directory = z.infer<typeof DirectorySchema>

/** What the scenario engine fires. */
export const DirectiveSchema = z.object({
  scenarioId: z.string(),
  type: DirectiveTypeSchema,
  priority: z.number(),
  message: z.string().optional(),
  resource: ResourceSchema.optional(),
  route: z.object({kind: RouteKindSchema, target: z.string()}).optional(),
})
export type Directive = z.infer<typeof DirectiveSchema>

/** What `serve` answers the probe for one fired directive (docs/serve.md): its id, and the agent a route picked. */
export const ProbeDirectiveSchema = z.object({
  id: z.string(),
  scenarioId: z.string(),
  type: DirectiveTypeSchema,
  message: z.string().optional(),
  title: z.string().optional(),
  resource: z.record(z.string(), z.unknown()).optional(),
  route: z.object({kind: z.string(), target: z.string().nullable(), agentId: z.string().nullable().optional()}).optional(),
})
export type ProbeDirective = z.infer<typeof ProbeDirectiveSchema>
