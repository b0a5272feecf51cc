/**
 * Labelled utterances for training and evaluating the script detector: CSV (header) or NDJSON, one utterance
 * (best: one sentence) per row, in call order. Columns: text (or sentence, utterance); label or labels (several
 * separated by ";" or "|"; NDJSON may give an array) and any column named like label_1, er_label_2 (the
 * PersuasionForGood layout); optional call_id (or dialog_id, conversation_id), turn (or turn_no), speaker (or
 * role), stage. A row of a script's speaker that does not carry the script's label is a negative example, so
 * label every sentence of the calls in the file. Format: docs/telesales.md.
 */
import {existsSync, readFileSync} from 'node:fs'
import Papa from 'papaparse'
import {CcxError, EXIT} from '../../errors.js'

export interface LabelledUtterance {
  call: string
  /** Turn number as given (sentences of one turn share it); null when the file has no turn column. */
  turn: number | null
  speaker: string
  text: string
  labels: string[]
  stage?: string
  /** 1-based line of the row in the file. */
  line: number
}

export interface LabelledFile {
  path: string
  utterances: LabelledUtterance[]
  /** Call ids in the order of their first row. */
  calls: string[]
  /** Rows left out because their text was empty, with their lines. */
  skipped: Array<{line: number; reason: string}>
  speakers: Record<string, number>
}

const TEXT = ['text', 'sentence', 'utterance']
const CALL = ['call_id', 'call', 'dialog_id', 'conversation_id']
const TURN = ['turn', 'turn_no']
const SPEAKER = ['speaker', 'role']
const LABEL_LIST = ['label', 'labels']
const LABEL_COLUMN = /^([a-z]+_)?label_\d+$/

function splitLabels(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string').flatMap((x) => splitLabels(x))
  if (typeof v !== 'string') return []
  return v
    .split(/[;|]/)
    .map((x) => x.trim())
    .filter(Boolean)
}

/** Parses "persuader=agent,persuadee=customer". */
export function parseSpeakerMap(spec: string | undefined): Record<string, string> {
  if (!spec) return {}
  const out: Record<string, string> = {}
  for (const part of spec.split(',')) {
    const m = /^\s*([^=\s]+)\s*=\s*(agent|customer)\s*$/.exec(part)
    if (!m) {
      throw new CcxError(`--speakers "${part}" is not NAME=agent or NAME=customer`, {
        code: 'BAD_SPEAKERS',
        exit: EXIT.usage,
        suggestions: ['Example: --speakers persuader=agent,persuadee=customer'],
      })
    }
    out[m[1]] = m[2]
  }
  return out
}

export function readLabelledUtterances(path: string, speakerMap: Record<string, string> = {}): LabelledFile {
  if (!existsSync(path))
    throw new CcxError(`labels file not found: ${path}`, {
      code: 'LABELS_MISSING',
      exit: EXIT.badInput,
      suggestions: ['Give a CSV or NDJSON file of labelled utterances (docs/telesales.md "Training data").'],
    })
  const body = readFileSync(path, 'utf8').replace(/^\uFEFF/, '')
  const records: Array<{line: number; row: Record<string, unknown>}> = []
  let fields: string[]
  if (/\.(nd)?jsonl?$/i.test(path) || body.trimStart().startsWith('{')) {
    const keys = new Set<string>()
    body.split('\n').forEach((text, i) => {
      if (!text.trim()) return
      let row: Record<string, unknown>
      try {
        row = JSON.parse(text)
      } catch {
        throw new CcxError(`${path}:${i + 1}: not valid JSON`, {code: 'LABELS_INVALID', exit: EXIT.badInput})
      }
      if (!row || typeof row !== 'object' || Array.isArray(row))
        throw new CcxError(`${path}:${i + 1}: each line must be a JSON object`, {code: 'LABELS_INVALID', exit: EXIT.badInput})
      for (const k of Object.keys(row)) keys.add(k)
      records.push({line: i + 1, row})
    })
    fields = [...keys]
  } else {
    const parsed = Papa.parse<Record<string, string>>(body, {header: true, skipEmptyLines: true})
    fields = parsed.meta.fields ?? []
    // Papa gives no line numbers; count the newlines the rows span (quoted fields may hold newlines).
    let line = 2
    for (const row of parsed.data) {
      records.push({line, row})
      line += 1 + Object.values(row).reduce((n, v) => n + (typeof v === 'string' ? (v.match(/\n/g)?.length ?? 0) : 0), 0)
    }
  }
  const pick = (names: string[]) => names.find((n) => fields.includes(n))
  const textCol = pick(TEXT)
  if (!textCol) {
    throw new CcxError(`${path}: no text column (expected one of ${TEXT.join(', ')}; found: ${fields.join(', ') || 'none'})`, {
      code: 'LABELS_INVALID',
      exit: EXIT.badInput,
      suggestions: ['docs/telesales.md "Training data" lists the columns.'],
    })
  }
  const labelCols = [...LABEL_LIST.filter((n) => fields.includes(n)), ...fields.filter((f) => LABEL_COLUMN.test(f))]
  if (labelCols.length === 0) {
    throw new CcxError(`${path}: no label column (expected label, labels or NAME_label_N; found: ${fields.join(', ')})`, {
      code: 'LABELS_INVALID',
      exit: EXIT.badInput,
    })
  }
  const callCol = pick(CALL)
  const turnCol = pick(TURN)
  const speakerCol = pick(SPEAKER)
  const stageCol = fields.includes('stage') ? 'stage' : undefined
  const utterances: LabelledUtterance[] = []
  const skipped: LabelledFile['skipped'] = []
  const speakers: Record<string, number> = {}
  const calls: string[] = []
  const seenCalls = new Set<string>()
  for (const {line, row} of records) {
    const text = row[textCol]
    if (typeof text !== 'string' || text.trim() === '') {
      skipped.push({line, reason: `empty ${textCol}`})
      continue
    }
    let turn: number | null = null
    if (turnCol && row[turnCol] !== undefined && row[turnCol] !== '') {
      turn = Number(row[turnCol])
      if (!Number.isFinite(turn))
        throw new CcxError(`${path}:${line}: ${turnCol} "${String(row[turnCol])}" is not a number`, {
          code: 'LABELS_INVALID',
          exit: EXIT.badInput,
        })
    }
    const call = callCol ? String(row[callCol] ?? '') : `row-${line}`
    if (callCol && call === '') throw new CcxError(`${path}:${line}: ${callCol} is empty`, {code: 'LABELS_INVALID', exit: EXIT.badInput})
    const rawSpeaker = speakerCol ? String(row[speakerCol] ?? '') : 'agent'
    const speaker = speakerMap[rawSpeaker] ?? rawSpeaker
    speakers[speaker] = (speakers[speaker] ?? 0) + 1
    if (!seenCalls.has(call)) {
      seenCalls.add(call)
      calls.push(call)
    }
    const stage = stageCol && typeof row[stageCol] === 'string' && row[stageCol] !== '' ? (row[stageCol] as string) : undefined
    utterances.push({call, turn, speaker, text, labels: [...new Set(labelCols.flatMap((c) => splitLabels(row[c])))], stage, line})
  }
  if (utterances.length === 0) throw new CcxError(`${path}: no labelled rows`, {code: 'LABELS_EMPTY', exit: EXIT.badInput})
  return {path, utterances, calls, skipped, speakers}
}

/** Rows grouped per call, each call in turn order (file order within a turn). */
export function groupCalls(utterances: LabelledUtterance[]): Map<string, LabelledUtterance[]> {
  const out = new Map<string, LabelledUtterance[]>()
  for (const u of utterances) {
    const list = out.get(u.call)
    if (list) list.push(u)
    else out.set(u.call, [u])
  }
  for (const list of out.values())
    if (list.some((u) => u.turn !== null)) list.sort((a, b) => (a.turn ?? 0) - (b.turn ?? 0) || a.line - b.line)
  return out
}
