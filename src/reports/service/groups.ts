/** The service vocabulary, defined once: how service rows are grouped and which contacts they count. */

/** `--by` of `ccx report service`: the whole range, a period, or a dimension of the contact. */
export const SERVICE_GROUPS = ['total', 'day', 'hour', 'queue', 'channel', 'agent', 'site'] as const
export type ServiceGroupBy = (typeof SERVICE_GROUPS)[number]

/** Contacts are calls or chats (`--kind`). */
export const CONTACT_KINDS = ['call', 'chat'] as const
export type ContactKind = (typeof CONTACT_KINDS)[number]

/** The layers of service demand, lowest first (`ccx report layers`). */
export const LAYERS = ['self-service', 'bot', 'online agent', 'hotline'] as const
export type Layer = (typeof LAYERS)[number]

/** Session intents that count as service demand (the self-service layer) unless told otherwise. */
export const DEFAULT_SERVICE_INTENTS = ['service_station', 'support']
