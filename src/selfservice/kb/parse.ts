import {isUtf8} from 'node:buffer'
import iconv from 'iconv-lite'
import {formatPath, JsonSyntaxError, parseJsonWithLines} from '../../config/json-positions.js'
import {EntrySchema, LINK_KINDS, toEntry, type KbEntry, type KbEntryInput} from './entry.js'

/** One problem in a KB file: where (line, field), the value at fault, and what is wrong. */
export interface KbIssue {
  line: number
  field: string
  value?: string
  message: string
}

export interface ParsedKb {
  entries: KbEntry[]
  /** Line of each entry in the file (for messages and for the stored provenance). */
  lines: number[]
  issues: KbIssue[]
  /** Not errors, but worth a look: the same similar question under two entries. */
  warnings: KbIssue[]
  format: 'csv' | 'json'
  encoding: 'utf-8' | 'gb18030'
}

/** CSV headers, English and the Chinese names KB exports use. */
const COLUMN_ALIASES: Record<string, keyof KbEntryInput> = {
  id: 'id',
  entry_id: 'id',
  编号: 'id',
  question: 'question',
  standard_question: 'question',
  标准问题: 'question',
  标准问: 'question',
  问题: 'question',
  similar: 'similar',
  similar_questions: 'similar',
  相似问题: 'similar',
  相似问法: 'similar',
  answer: 'answer',
  答案: 'answer',
  回答: 'answer',
  category: 'category',
  分类: 'category',
  类别: 'category',
  scene: 'scene',
  场景: 'scene',
  links: 'links',
  cards: 'links',
  链接: 'links',
  卡片: 'links',
  followups: 'followups',
  follow_ups: 'followups',
  关联问题: 'followups',
  推荐问题: 'followups',
}

/** Decodes a KB file: UTF-8 (with or without BOM), else GB18030 (what Excel in China saves). */
export function decodeKb(bytes: Buffer): {text: string; encoding: ParsedKb['encoding']} {
  if (isUtf8(bytes)) return {text: bytes.toString('utf8').replace(/^\uFEFF/, ''), encoding: 'utf-8'}
  return {text: iconv.decode(bytes, 'gb18030'), encoding: 'gb18030'}
}

/** Parses and validates a KB file's text. `format` from the file name; JSON when the text starts with { or [. */
export function parseKb(text: string, format?: 'csv' | 'json', encoding: ParsedKb['encoding'] = 'utf-8'): ParsedKb {
  const fmt = format ?? (/^\s*[[{]/.test(text) ? 'json' : 'csv')
  const raw = fmt === 'json' ? readJson(text) : readCsv(text)
  const result: ParsedKb = {entries: [], lines: [], issues: raw.issues, warnings: [], format: fmt, encoding}
  if (raw.issues.length > 0) return result
  const firstLine = new Map<string, number>()
  const similarOwner = new Map<string, string>()
  const questionOwner = new Map<string, {id: string; line: number}>()
  // follow-ups of entries that failed the schema: still checked against the file's ids, so one pass names every problem
  const unchecked: Array<{id: string | undefined; line: number; followups: string[]}> = []
  for (const item of raw.items) {
    // duplicates are found on the raw id, so an invalid first copy still names the second
    const rawId = (item.value as {id?: unknown} | null)?.id
    if (typeof rawId === 'string' && rawId.trim() !== '') {
      const seen = firstLine.get(rawId.trim())
      if (seen !== undefined) {
        result.issues.push({line: item.lineOf(['id']), field: 'id', value: rawId, message: `duplicate id (first on line ${seen})`})
        continue
      }
      firstLine.set(rawId.trim(), item.line)
    }
    const parsed = EntrySchema.safeParse(item.value)
    if (!parsed.success) {
      for (const i of parsed.error.issues) {
        const head = item.columns?.[String(i.path[0])]
        const field = head ? formatPath([head, ...i.path.slice(1)]) : formatPath(i.path)
        result.issues.push({line: item.lineOf(i.path), field, value: valueAt(item.value, i.path), message: i.message})
      }
      const followups = (item.value as {followups?: unknown} | null)?.followups
      if (Array.isArray(followups))
        unchecked.push({
          id: typeof rawId === 'string' ? rawId.trim() : undefined,
          line: item.line,
          followups: followups.filter((f) => typeof f === 'string'),
        })
      continue
    }
    const entry = toEntry(parsed.data)
    const key = questionKey(entry.question)
    const owner = questionOwner.get(key)
    if (owner) {
      result.issues.push({
        line: item.lineOf(['question']),
        field: 'question',
        value: entry.question,
        message: `same standard question as entry ${owner.id} (line ${owner.line}): the bot could not tell them apart`,
      })
    }
    questionOwner.set(key, {id: entry.id, line: item.line})
    entry.similar.forEach((s, k) => {
      const other = similarOwner.get(questionKey(s))
      if (other && other !== entry.id)
        result.warnings.push({
          line: item.lineOf(['similar', k]),
          field: `similar[${k}]`,
          value: s,
          message: `also a question of entry ${other}`,
        })
      similarOwner.set(questionKey(s), entry.id)
    })
    result.entries.push(entry)
    result.lines.push(item.line)
  }
  const checkFollowups = (id: string | undefined, line: number, followups: string[]) =>
    followups.forEach((f, j) => {
      if (!firstLine.has(f)) result.issues.push({line, field: `followups[${j}]`, value: f, message: `no entry with this id in the file`})
      else if (f === id) result.issues.push({line, field: `followups[${j}]`, value: f, message: 'an entry cannot follow itself'})
    })
  result.entries.forEach((e, k) => checkFollowups(e.id, result.lines[k]!, e.followups))
  for (const u of unchecked) checkFollowups(u.id, u.line, u.followups)
  result.issues.sort((a, b) => a.line - b.line)
  return result
}

function questionKey(q: string): string {
  return q
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '')
}

function valueAt(value: unknown, path: ReadonlyArray<PropertyKey>): string | undefined {
  let v: unknown = value
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<PropertyKey, unknown>)[p]
  }
  if (v === undefined) return undefined
  const s = typeof v === 'string' ? v : JSON.stringify(v)
  return s.length > 80 ? `${s.slice(0, 77)}…` : s
}

interface RawItem {
  value: unknown
  line: number
  lineOf: (path: ReadonlyArray<PropertyKey>) => number
  /** CSV: the header's name of each entry field (messages name the column as the user wrote it). */
  columns?: Record<string, string>
}

function readJson(text: string): {items: RawItem[]; issues: KbIssue[]} {
  let located
  try {
    located = parseJsonWithLines(text)
  } catch (error) {
    if (error instanceof JsonSyntaxError) return {items: [], issues: [{line: error.line, field: '(syntax)', message: error.message}]}
    throw error
  }
  const root = located.value
  // Either a bare array of entries or {"entries": [...]} (what `kb export` writes).
  let list: unknown
  let prefix: PropertyKey[] = []
  if (Array.isArray(root)) list = root
  else if (root && typeof root === 'object' && Array.isArray((root as Record<string, unknown>).entries)) {
    list = (root as Record<string, unknown>).entries
    prefix = ['entries']
  } else {
    return {items: [], issues: [{line: 1, field: '(root)', message: 'expected an array of entries or {"entries": [...]}'}]}
  }
  const items = (list as unknown[]).map((value, k) => ({
    value,
    line: located.lineOf([...prefix, k]),
    lineOf: (path: ReadonlyArray<PropertyKey>) => located.lineOf([...prefix, k, ...path]),
  }))
  return {items, issues: []}
}

/** RFC 4180 records with the line each starts on (quoted fields may span lines). */
export function csvRecords(text: string): Array<{line: number; fields: string[]}> {
  const out: Array<{line: number; fields: string[]}> = []
  let fields: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let start = 1
  let any = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i++
        } else quoted = false
      } else {
        if (c === '\n') line++
        field += c
      }
      continue
    }
    if (c === '"' && field === '') {
      quoted = true
      any = true
    } else if (c === ',') {
      fields.push(field)
      field = ''
      any = true
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      fields.push(field)
      if (any || fields.some((f) => f !== '')) out.push({line: start, fields})
      fields = []
      field = ''
      any = false
      line++
      start = line
    } else {
      field += c
      any = true
    }
  }
  if (any || field !== '') {
    fields.push(field)
    out.push({line: start, fields})
  }
  return out
}

const splitList = (cell: string, sep: RegExp) =>
  cell
    .split(sep)
    .map((s) => s.trim())
    .filter(Boolean)

function readCsv(text: string): {items: RawItem[]; issues: KbIssue[]} {
  const records = csvRecords(text)
  if (records.length === 0) return {items: [], issues: [{line: 1, field: '(file)', message: 'the file is empty'}]}
  const header = records[0]
  const columns: Array<keyof KbEntryInput | undefined> = []
  const issues: KbIssue[] = []
  header.fields.forEach((name, k) => {
    const key = COLUMN_ALIASES[name.trim().toLowerCase()] ?? COLUMN_ALIASES[name.trim()]
    if (!key)
      issues.push({
        line: header.line,
        field: `column ${k + 1}`,
        value: name,
        message: `unknown column (use ${Object.keys(COLUMN_ALIASES).slice(0, 16).join(', ')}…)`,
      })
    else if (columns.includes(key))
      issues.push({line: header.line, field: `column ${k + 1}`, value: name, message: `a second "${key}" column`})
    columns.push(key)
  })
  for (const need of ['id', 'question', 'answer'] as const)
    if (!columns.includes(need)) issues.push({line: header.line, field: need, message: `missing column "${need}"`})
  if (issues.length > 0) return {items: [], issues}
  const items: RawItem[] = []
  for (const rec of records.slice(1)) {
    if (rec.fields.length !== columns.length) {
      issues.push({
        line: rec.line,
        field: '(row)',
        message: `${rec.fields.length} fields, the header has ${columns.length} (a comma inside an unquoted field?)`,
      })
      continue
    }
    const value: Record<string, unknown> = {}
    const fieldName: Record<string, string> = {}
    columns.forEach((key, k) => {
      const cell = rec.fields[k]
      fieldName[key!] = header.fields[k].trim()
      if (key === 'similar') value.similar = splitList(cell, /[|｜\n]/)
      else if (key === 'followups') value.followups = splitList(cell, /[|｜,;，；\s]+/)
      else if (key === 'links') {
        const parsed = parseLinksCell(cell)
        if (typeof parsed === 'string') issues.push({line: rec.line, field: fieldName.links, value: cell.slice(0, 80), message: parsed})
        else value.links = parsed
      } else if (cell.trim() !== '' || key === 'id' || key === 'question' || key === 'answer') value[key!] = cell
    })
    items.push({value, line: rec.line, lineOf: () => rec.line, columns: fieldName})
  }
  return {items, issues}
}

/** A links cell: a JSON array of {kind,title,url}, or items `[kind:]title|url` separated by line breaks or " ; ". */
export function parseLinksCell(cell: string): unknown[] | string {
  const t = cell.trim()
  if (t === '') return []
  if (t.startsWith('[')) {
    try {
      const v = JSON.parse(t) as unknown
      return Array.isArray(v) ? v : 'a JSON links cell must be an array'
    } catch (error) {
      return `not valid JSON: ${(error as Error).message}`
    }
  }
  const out: unknown[] = []
  for (const item of splitList(t, /\n|\s;\s|；/)) {
    const bar = item.lastIndexOf('|')
    if (bar < 0) return `link "${item}" is not title|url`
    let title = item.slice(0, bar).trim()
    const url = item.slice(bar + 1).trim()
    let kind = 'link'
    const m = new RegExp(`^(${LINK_KINDS.join('|')})\\s*[:：]\\s*`).exec(title)
    if (m) {
      kind = m[1]
      title = title.slice(m[0].length)
    }
    out.push({kind, title, url})
  }
  return out
}
