import type {LoadedConfig} from '../config/load.js'
import type {Store} from '../store/store.js'
import type {KbEntry} from './kb/entry.js'
import {readKbFile, requireKb} from './kb/service.js'
import {BotIndex} from './bot/index.js'
import {loadSynonyms, synonymsPathFor} from './bot/synonyms.js'

export interface BotSource {
  /** A KB file (CSV/JSON, e.g. what `kb export` wrote): no database needed. */
  kbFile?: string
  /** Else the database's current KB. */
  store?: Store
  synonymsFile?: string
  handoverBelow?: number
}

/** The KB the bot answers from: a file when given, else the database's current entries. */
export async function loadEntries(source: BotSource): Promise<{entries: KbEntry[]; from: string}> {
  if (source.kbFile) return {entries: readKbFile(source.kbFile).entries, from: source.kbFile}
  if (!source.store) throw new Error('loadEntries: a KB file or a store is needed')
  return {entries: await requireKb(source.store), from: source.store.path}
}

/** Builds the bot from the configured synonyms and thresholds. */
export async function createBot(config: LoadedConfig, source: BotSource): Promise<{bot: BotIndex; from: string; synonyms: string}> {
  const {entries, from} = await loadEntries(source)
  const synonyms = synonymsPathFor(config, source.synonymsFile)
  const bot = new BotIndex(entries, {
    synonyms: loadSynonyms(synonyms),
    match: {
      handoverBelow: source.handoverBelow ?? config.config.bot.handoverBelow,
      maxAlternatives: config.config.bot.maxAlternatives,
    },
  })
  return {bot, from, synonyms}
}
