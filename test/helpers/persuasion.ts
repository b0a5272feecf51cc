import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import Papa from 'papaparse'
import {realData} from './realdata.js'

export interface PersuasionSentence {
  dialog_id: string
  role: string
  turn: string
  sentence: string
  er_label_1: string
  er_label_2: string
}

/** The real persuasion dialogs: sentences in file order and each dialog's donation. */
export function persuasionDialogs(): {sentences: PersuasionSentence[]; donated: Map<string, boolean>; dialogs: string[]} {
  const dir = realData('persuasion-dev')
  const sentences = Papa.parse<PersuasionSentence>(readFileSync(join(dir, 'dialog_sentences.csv'), 'utf8'), {
    header: true,
    skipEmptyLines: true,
  }).data
  const info = Papa.parse<Record<string, string>>(readFileSync(join(dir, 'dialog_info.csv'), 'utf8'), {
    header: true,
    skipEmptyLines: true,
  }).data
  const donated = new Map(info.filter((r) => r.role === 'persuadee').map((r) => [r.dialog_id, Number(r.actual_donation || 0) > 0]))
  return {sentences, donated, dialogs: [...new Set(sentences.map((s) => s.dialog_id))]}
}

function csv(v: unknown): string {
  const s = String(v ?? '')
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

/**
 * The dialogs as ccx's call records and transcripts: one call per dialog, one transcript turn per run of one
 * speaker's sentences (persuader = agent, persuadee = customer), outcome sale when the persuadee donated or when
 * `sale` says so (planted outcomes).
 */
export function persuasionAsCalls(
  dialogs: string[],
  sentences: PersuasionSentence[],
  sale: (dialog: string) => boolean,
): {callsCsv: string; transcriptsCsv: string} {
  const keep = new Set(dialogs)
  const calls = ['call_id,site,direction,queue,agent_id,customer_id,offered_at,answered_at,ended_at,disposition,outcome,campaign']
  dialogs.forEach((d, i) => {
    const t = new Date(Date.UTC(2026, 2, 2, 9, 0, 0) + i * 600_000).toISOString().replace('T', ' ').slice(0, 19)
    calls.push(
      [
        d,
        'charity',
        'outbound',
        'persuasion',
        `A${String(i % 7).padStart(3, '0')}`,
        `C${i}`,
        t,
        t,
        t,
        'answered',
        sale(d) ? 'sale' : 'no_sale',
        'save-the-children',
      ]
        .map(csv)
        .join(','),
    )
  })
  const turns = ['call_id,turn_no,speaker,start_ms,end_ms,text,confidence']
  let current = ''
  let turnNo = 0
  let text: string[] = []
  let speaker = ''
  const flush = () => {
    if (text.length === 0) return
    turns.push([current, turnNo, speaker, turnNo * 10_000, turnNo * 10_000 + 8000, text.join(' '), 1].map(csv).join(','))
    text = []
  }
  let lastKey = ''
  for (const s of sentences) {
    if (!keep.has(s.dialog_id)) continue
    const role = s.role === 'persuader' ? 'agent' : 'customer'
    const key = `${s.dialog_id}|${s.turn}|${role}`
    if (key !== lastKey) {
      flush()
      if (s.dialog_id !== current) {
        current = s.dialog_id
        turnNo = 0
      }
      turnNo++
      speaker = role
      lastKey = key
    }
    text.push(s.sentence)
  }
  flush()
  return {callsCsv: calls.join('\n') + '\n', transcriptsCsv: turns.join('\n') + '\n'}
}
