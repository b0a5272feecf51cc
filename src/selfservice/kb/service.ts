import {createHash} from 'node:crypto'
import {existsSync, readFileSync, statSync} from 'node:fs'
import {extname} from 'node:path'
import {CcxError, EXIT} from '../../errors.js'
import {readSql, type Store} from '../../store/store.js'
import {entryContent, type KbEntry, type KbLink} from './entry.js'
import {decodeKb, parseKb, type KbIssue, type ParsedKb} from './parse.js'

/** Reads and validates a KB file (CSV or JSON, UTF-8 or GB18030); every problem is named with its line and field. */
export function readKbFile(path: string): ParsedKb & {fileHash: string} {
  if (!existsSync(path) || !statSync(path).isFile())
    throw new CcxError(`knowledge base file not found: ${path}`, {code: 'KB_MISSING', exit: EXIT.badInput})
  const bytes = readFileSync(path)
  if (bytes.length === 0) throw new CcxError(`knowledge base file is empty: ${path}`, {code: 'KB_EMPTY', exit: EXIT.badInput})
  const {text, encoding} = decodeKb(bytes)
  const ext = extname(path).toLowerCase()
  const format = ext === '.csv' ? 'csv' : ext === '.json' ? 'json' : undefined
  const parsed = parseKb(text, format, encoding)
  if (parsed.issues.length > 0) throw kbError(path, parsed.issues)
  if (parsed.entries.length === 0)
    throw new CcxError(`knowledge base file ${path} holds no entries`, {code: 'KB_EMPTY', exit: EXIT.badInput})
  return {...parsed, fileHash: createHash('sha256').update(bytes).digest('hex')}
}

export function kbError(path: string, issues: KbIssue[]): CcxError {
  const lines = issues
    .slice(0, 20)
    .map((i) => `  ${path}:${i.line} ${i.field}${i.value !== undefined ? ` = ${JSON.stringify(i.value)}` : ''}: ${i.message}`)
  const more = issues.length > 20 ? `\n  … and ${issues.length - 20} more` : ''
  return new CcxError(
    `knowledge base ${path} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}; nothing was imported):\n${lines.join('\n')}${more}`,
    {
      code: 'KB_INVALID',
      exit: EXIT.invalidConfig,
      suggestions: ['Fix the fields named above and import again; docs/selfservice.md describes the columns.'],
    },
  )
}

export interface KbImportResult {
  importId: number
  file: string
  format: string
  encoding: string
  entries: number
  added: string[]
  changed: string[]
  unchanged: number
  retired: string[]
  warnings: KbIssue[]
}

const hash = (e: KbEntry) => createHash('sha256').update(entryContent(e)).digest('hex').slice(0, 32)

/**
 * Stores the file's entries: a new version for each new or changed entry (an unchanged one keeps its version); with
 * `replace`, entries missing from the file get a retiring version (their history stays). One transaction.
 */
export async function importKb(
  store: Store,
  kb: ParsedKb & {fileHash: string},
  options: {file: string; replace?: boolean},
): Promise<KbImportResult> {
  return store.transaction(async () => {
    const latest = new Map(
      (
        await store.all<{entry_id: string; version: number; content_hash: string; retired: boolean}>(readSql(import.meta.url, 'latest.sql'))
      ).map((r) => [r.entry_id, r]),
    )
    const importId = await store.scalar<number>(`select nextval('kb_import_seq')::BIGINT`)
    const rows: Array<{e: KbEntry; version: number; retired: boolean; hash: string; line: number | null}> = []
    const added: string[] = []
    const changed: string[] = []
    let unchanged = 0
    kb.entries.forEach((e, k) => {
      const h = hash(e)
      const prior = latest.get(e.id)
      if (!prior) added.push(e.id)
      else if (prior.retired || prior.content_hash !== h) changed.push(e.id)
      else {
        unchanged++
        return
      }
      rows.push({e, version: (prior?.version ?? 0) + 1, retired: false, hash: h, line: kb.lines[k]})
    })
    const retired: string[] = []
    if (options.replace) {
      const inFile = new Set(kb.entries.map((e) => e.id))
      const gone = [...latest.values()].filter((r) => !r.retired && !inFile.has(r.entry_id)).map((r) => r.entry_id)
      if (gone.length > 0) {
        const current = new Map((await currentEntries(store)).map((e) => [e.id, e]))
        for (const id of gone.sort()) {
          const e = current.get(id)!
          rows.push({e, version: latest.get(id)!.version + 1, retired: true, hash: hash(e), line: null})
          retired.push(id)
        }
      }
    }
    await store.run(
      `insert into kb_imports values ($id, $file, $hash, $format, $encoding, $replace, now()::TIMESTAMP, $entries, $added, $changed, $unchanged, $retired)`,
      {
        id: importId,
        file: options.file,
        hash: kb.fileHash,
        format: kb.format,
        encoding: kb.encoding,
        replace: Boolean(options.replace),
        entries: kb.entries.length,
        added: added.length,
        changed: changed.length,
        unchanged,
        retired: retired.length,
      },
    )
    await store.append('kb_entries', rows.length, (a, k) => {
      const {e, version, retired: isRetired, hash: h, line} = rows[k]
      const text = (v: string | null) => (v === null ? a.appendNull() : a.appendVarchar(v))
      a.appendVarchar(e.id)
      a.appendInteger(version)
      a.appendVarchar(e.question)
      a.appendVarchar(JSON.stringify(e.similar))
      a.appendVarchar(e.answer)
      text(e.category)
      text(e.scene)
      a.appendVarchar(JSON.stringify(e.links))
      a.appendVarchar(JSON.stringify(e.followups))
      a.appendBoolean(isRetired)
      a.appendVarchar(h)
      a.appendBigInt(BigInt(importId))
      if (line === null) a.appendNull()
      else a.appendInteger(line)
    })
    if (rows.length > 0) await store.bumpTableVersion('kb_entries')
    return {
      importId,
      file: options.file,
      format: kb.format,
      encoding: kb.encoding,
      entries: kb.entries.length,
      added,
      changed,
      unchanged,
      retired,
      warnings: kb.warnings,
    }
  })
}

type EntryRow = Record<string, unknown> & {
  entry_id: string
  version: number
  question: string
  similar_questions: string
  answer: string
  category: string | null
  scene: string | null
  links: string
  followups: string
}

const fromRow = (r: EntryRow): KbEntry => ({
  id: r.entry_id,
  version: r.version,
  question: r.question,
  similar: JSON.parse(r.similar_questions) as string[],
  answer: r.answer,
  category: r.category,
  scene: r.scene,
  links: JSON.parse(r.links) as KbLink[],
  followups: JSON.parse(r.followups) as string[],
})

/** The entries the bot answers from (each one's latest version, retired ones left out). */
export async function currentEntries(store: Store): Promise<KbEntry[]> {
  return (await store.all<EntryRow>(readSql(import.meta.url, 'current.sql'))).map(fromRow)
}

/** The current KB, refusing an empty one (the bot has nothing to answer from). */
export async function requireKb(store: Store): Promise<KbEntry[]> {
  const entries = (await store.tableExists('kb_entries')) ? await currentEntries(store) : []
  if (entries.length === 0) {
    throw new CcxError(`no knowledge base in ${store.path}`, {
      code: 'KB_EMPTY',
      exit: EXIT.badInput,
      suggestions: ['Import one with `ccx kb import FILE` (CSV or JSON; docs/selfservice.md), or pass --kb FILE.'],
    })
  }
  return entries
}

export interface KbVersion extends KbEntry {
  retired: boolean
  file: string
  sourceLine: number | null
  importedAt: string
}

/** Every version of an entry, newest first (empty when the id is unknown). */
export async function entryVersions(store: Store, id: string): Promise<KbVersion[]> {
  const rows = await store.all<EntryRow & {retired: boolean; file: string; source_line: number | null; imported_at: string}>(
    readSql(import.meta.url, 'versions.sql'),
    {id},
  )
  return rows.map((r) => ({...fromRow(r), retired: r.retired, file: r.file, sourceLine: r.source_line, importedAt: r.imported_at}))
}

/** The KB as a file `kb import` reads back and `serve` answers from (versions kept: logged answers name them). */
export function exportDocument(entries: KbEntry[]): {kb: 1; entries: Array<Record<string, unknown>>} {
  return {
    kb: 1,
    entries: entries.map((e) => ({
      id: e.id,
      version: e.version,
      question: e.question,
      similar: e.similar,
      answer: e.answer,
      ...(e.category ? {category: e.category} : {}),
      ...(e.scene ? {scene: e.scene} : {}),
      links: e.links,
      followups: e.followups,
    })),
  }
}
