import {existsSync, readFileSync} from 'node:fs'
import {CcxError, EXIT} from '../errors.js'
import {readSql, type Store} from '../store/store.js'

export type GapSource = 'auto' | 'exchanges' | 'chats'

/**
 * The questions `bot gaps` asks again: a file (one per line, or NDJSON {"question"}); else what visitors asked the bot
 * in serve (`bot_exchanges`, loaded from the event log) and, with `auto` when there are none yet, visitors' chat openers.
 */
export async function gapQuestions(source: {file?: string; store?: Store; from?: GapSource}): Promise<{questions: string[]; from: string}> {
  if (source.file) {
    if (!existsSync(source.file)) throw new CcxError(`questions file not found: ${source.file}`, {code: 'NO_FILE', exit: EXIT.badInput})
    const questions = readFileSync(source.file, 'utf8')
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => {
        if (!l.startsWith('{')) return l
        try {
          const v = JSON.parse(l) as {question?: unknown}
          return typeof v.question === 'string' ? v.question : ''
        } catch {
          return l
        }
      })
      .filter(Boolean)
    return {questions, from: source.file}
  }
  const store = source.store!
  const from = source.from ?? 'auto'
  if (from !== 'chats' && (await store.tableExists('bot_exchanges'))) {
    const asked = (
      await store.all<{question: string}>(`select question from bot_exchanges where question is not null order by ts, event_id`)
    ).map((r) => r.question)
    if (asked.length > 0 || from === 'exchanges') return {questions: asked, from: 'bot exchanges (serve /bot)'}
  }
  if (from === 'exchanges' || !(await store.tableExists('raw_messages'))) return {questions: [], from: 'chats'}
  return {
    questions: (await store.all<{text: string}>(readSql(import.meta.url, 'chat-questions.sql'))).map((r) => r.text),
    from: 'chat openers',
  }
}
