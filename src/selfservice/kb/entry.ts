import {z} from 'zod'

/**
 * A knowledge-base entry (docs/selfservice.md, "Knowledge base"): the standard question, its similar questions, the
 * answer, and what the bot offers after it (links, cards, follow-up questions). Pure: shared by `kb import`, the bot
 * (CLI and serve) and the evaluation.
 */

export const LINK_KINDS = ['link', 'card', 'app', 'campaign'] as const
export type LinkKind = (typeof LINK_KINDS)[number]

export const LIMITS = {
  idLength: 64,
  questionLength: 200,
  similarPerEntry: 200,
  answerLength: 4000,
  labelLength: 64,
  linksPerEntry: 10,
  urlLength: 2048,
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/
/** An absolute http(s) URL or a site path ("/support/drivers"): the bot's links are shown to visitors as they are. */
const URL_OR_PATH = /^(https?:\/\/[^\s/]+[^\s]*|\/[^\s]*)$/

const text = (max: number) =>
  z
    .string()
    .transform((s) => s.trim())
    .pipe(z.string().min(1, 'must not be empty').max(max, `longer than ${max} characters`))

export const LinkSchema = z.strictObject({
  kind: z.enum(LINK_KINDS).default('link'),
  title: text(LIMITS.questionLength),
  url: z
    .string()
    .max(LIMITS.urlLength, `longer than ${LIMITS.urlLength} characters`)
    .regex(URL_OR_PATH, 'must be an http(s) URL or a path starting with /'),
  image: z.string().regex(URL_OR_PATH, 'must be an http(s) URL or a path starting with /').optional(),
})
export type KbLink = z.infer<typeof LinkSchema>

export const EntrySchema = z.strictObject({
  id: z
    .string()
    .max(LIMITS.idLength, `longer than ${LIMITS.idLength} characters`)
    .regex(ID, 'must be letters, digits, _ . : or - (no spaces)'),
  question: text(LIMITS.questionLength),
  similar: z
    .array(text(LIMITS.questionLength))
    .max(LIMITS.similarPerEntry, `more than ${LIMITS.similarPerEntry} similar questions`)
    .default([]),
  answer: text(LIMITS.answerLength),
  category: text(LIMITS.labelLength).optional(),
  /** What the question is about (a product, a service): a short follow-up stays in the scene of the previous answer. */
  scene: text(LIMITS.labelLength).optional(),
  links: z.array(LinkSchema).max(LIMITS.linksPerEntry, `more than ${LIMITS.linksPerEntry} links`).default([]),
  /** Entry ids offered after the answer ("you may also ask"). */
  followups: z.array(z.string().regex(ID, 'must be an entry id')).default([]),
  /** Written by `kb export`; ignored on import (the database numbers versions). */
  version: z.number().int().positive().optional(),
})
export type KbEntryInput = z.infer<typeof EntrySchema>

/** An entry as the bot sees it: with the version the database gave it (0 when read from a file never imported). */
export interface KbEntry {
  id: string
  version: number
  question: string
  similar: string[]
  answer: string
  category: string | null
  scene: string | null
  links: KbLink[]
  followups: string[]
}

export function toEntry(input: KbEntryInput, version = input.version ?? 0): KbEntry {
  return {
    id: input.id,
    version,
    question: input.question,
    similar: input.similar,
    answer: input.answer,
    category: input.category ?? null,
    scene: input.scene ?? null,
    links: input.links,
    followups: input.followups,
  }
}

/** The content that makes a version: a new version is stored only when this changes. */
export function entryContent(e: KbEntry): string {
  return JSON.stringify([e.question, e.similar, e.answer, e.category, e.scene, e.links, e.followups])
}
