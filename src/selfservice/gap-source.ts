import {existsSync, readFileSync} from 'node:fs'
import {CcxError, EXIT} from '../errors.js'
import {readSql, type Store} from '../store/store.js'

/** The questions `bot gaps` asks again: a file (one per line, or NDJSON {"question"}), else visitors' chat openers. */
export async function gapQuestions(source: {file?: string; store?: Store}): Promise<string[]> {
  if (source.file) {
    if (!existsSync(source.file)) throw new CcxError(`questions file not found: ${source.file}`, {code: 'NO_FILE', exit: EXIT.badInput})
    return readFileSync(source.file, 'utf8')
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
  }
  const store = source.store!
  if (!(await store.tableExists('raw_messages'))) return []
  return (await store.all<{text: string}>(readSql(import.meta.url, 'chat-questions.sql'))).map((r) => r.text)
}
