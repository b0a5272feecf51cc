import {z} from 'zod'

/**
 * Directives: what a scenario fires (the engine's output, batch and realtime alike) and what `serve` sends the probe.
 * The probe (src/serve/assets/probe.js, plain browser JS) and docs/scenarios.md are checked against these lists by a
 * test.
 */

export const DIRECTIVE_TYPES = ['card', 'invite', 'route', 'lead_form', 'survey'] as const
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

/**
 * How a widget words its buttons and fields (docs/scenarios.md, "Actions"); a missing label is the probe's default in
 * the page's language (zh or en). Plain text: the probe sets it with textContent.
 */
export const DirectiveLabelsSchema = z.strictObject({
  /** The close button's accessible name. */
  close: z.string().min(1).max(40).optional(),
  /** invite: accept and decline buttons. */
  accept: z.string().min(1).max(40).optional(),
  decline: z.string().min(1).max(40).optional(),
  /** card: the link to the resource's url. */
  link: z.string().min(1).max(80).optional(),
  /** lead_form: the send button, the phone field's label and its placeholder. */
  submit: z.string().min(1).max(40).optional(),
  phoneField: z.string().min(1).max(40).optional(),
  placeholder: z.string().min(1).max(40).optional(),
})
export type DirectiveLabels = z.infer<typeof DirectiveLabelsSchema>

/** A CSS hex colour (#rgb or #rrggbb): the only form the probe accepts, so a config value never becomes CSS syntax. */
export const HexColorSchema = z.string().regex(/^#(?:[0-9a-fA-F]{3}){1,2}$/, 'a hex colour such as "#c00000"')

/** What the scenario engine fires. */
export const DirectiveSchema = z.object({
  scenarioId: z.string(),
  type: DirectiveTypeSchema,
  priority: z.number(),
  message: z.string().optional(),
  /** The widget's heading (placeholders filled); default: the resource's name (card) or the probe's. */
  title: z.string().optional(),
  labels: DirectiveLabelsSchema.optional(),
  resource: ResourceSchema.optional(),
  route: z.object({kind: RouteKindSchema, target: z.string()}).optional(),
  /** survey: the questionnaire id (serve sends its active version). */
  survey: z.string().optional(),
})
export type Directive = z.infer<typeof DirectiveSchema>

/**
 * What `serve` answers the probe for one fired directive (docs/serve.md): its id, and the agent a route picked. The
 * rendering contract with src/serve/assets/probe.js: `title`, `message`, `labels`, the resource's name, address, phone,
 * hours and url, and `theme.color` (the site's `brandColor`) are what its widgets show.
 */
export const ProbeDirectiveSchema = z.object({
  id: z.string(),
  scenarioId: z.string(),
  type: DirectiveTypeSchema,
  message: z.string().optional(),
  title: z.string().optional(),
  labels: DirectiveLabelsSchema.optional(),
  theme: z.object({color: HexColorSchema}).optional(),
  resource: z.record(z.string(), z.unknown()).optional(),
  route: z.object({kind: z.string(), target: z.string().nullable(), agentId: z.string().nullable().optional()}).optional(),
  /** survey: the questionnaire's active version (src/vocab/surveys.ts) with the campaign and intent answers carry back. */
  survey: z.record(z.string(), z.unknown()).optional(),
})
export type ProbeDirective = z.infer<typeof ProbeDirectiveSchema>
