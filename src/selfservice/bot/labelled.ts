import type {LabelledQuestion} from './evaluate.js'
import {csvRecords} from '../kb/parse.js'

export interface LabelIssue {
  line: number
  field: string
  message: string
}

/**
 * A labelled question file: NDJSON ({"question", "entry_id", "context"?, "kind"?} per line; entry_id null or "" for a
 * question the KB does not answer) or CSV with a header naming question, entry_id and optionally context, kind.
 */
export function parseLabelled(text: string, knownIds: ReadonlySet<string>): {rows: LabelledQuestion[]; issues: LabelIssue[]} {
  const rows: LabelledQuestion[] = []
  const issues: LabelIssue[] = []
  const add = (line: number, raw: Record<string, unknown>) => {
    const question = raw.question
    const id = raw.entry_id
    if (typeof question !== 'string' || question.trim() === '') {
      issues.push({line, field: 'question', message: 'must be a non-empty string'})
      return
    }
    if (id !== null && id !== undefined && typeof id !== 'string') {
      issues.push({line, field: 'entry_id', message: 'must be an entry id, or null/empty for a question outside the KB'})
      return
    }
    const entryId = id === undefined || id === null || id.trim() === '' ? null : id.trim()
    if (entryId !== null && !knownIds.has(entryId)) {
      issues.push({line, field: 'entry_id', message: `"${entryId}" is not an entry of the knowledge base`})
      return
    }
    for (const f of ['context', 'kind'] as const)
      if (raw[f] !== undefined && raw[f] !== null && typeof raw[f] !== 'string') {
        issues.push({line, field: f, message: 'must be a string'})
        return
      }
    const context = typeof raw.context === 'string' && raw.context.trim() !== '' ? raw.context : undefined
    const kind = typeof raw.kind === 'string' && raw.kind.trim() !== '' ? raw.kind : undefined
    rows.push({question, entryId, line, ...(context ? {context} : {}), ...(kind ? {kind} : {})})
  }
  const clean = text.replace(/^\uFEFF/, '')
  if (/^\s*\{/.test(clean)) {
    clean.split(/\r?\n/).forEach((l, k) => {
      if (l.trim() === '') return
      try {
        const v = JSON.parse(l) as unknown
        if (v === null || typeof v !== 'object' || Array.isArray(v))
          issues.push({line: k + 1, field: '(line)', message: 'not a JSON object'})
        else add(k + 1, v as Record<string, unknown>)
      } catch (error) {
        issues.push({line: k + 1, field: '(line)', message: `not valid JSON: ${(error as Error).message}`})
      }
    })
  } else {
    const [header, ...records] = csvRecords(clean)
    const names = (header?.fields ?? []).map((f) => f.trim().toLowerCase())
    for (const need of ['question', 'entry_id'])
      if (!names.includes(need)) issues.push({line: header?.line ?? 1, field: need, message: `missing column "${need}"`})
    if (issues.length === 0) for (const r of records) add(r.line, Object.fromEntries(names.map((n, k) => [n, r.fields[k] ?? ''])))
  }
  return {rows, issues}
}
