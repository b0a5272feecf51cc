import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import Papa from 'papaparse'

export interface Located {
  line: number
  raw: string
}

/**
 * Finds the lines of records that SQL checks refused. DuckDB's reader gives line numbers only to the rows it rejects
 * itself; a row refused later (a code missing from a value map, a value out of range) is found again by its content:
 * the md5 of its text cells (`textColumns`, joined by U+001F, null markers as empty), the same key the loader computes
 * in SQL. Records are numbered as DuckDB numbers them (header = 1, a record spanning lines counts once, blank lines
 * count). Runs only when such rows exist, so the extra pass is rare; identical records get their lines in file order.
 */
export async function relocateRecords(
  path: string,
  options: {delimiter: string; textColumns: number[]; nulls: string[]; width: number; skipLines: Set<number>; header: boolean},
  wanted: Map<string, number>,
): Promise<Map<string, Located[]>> {
  const found = new Map<string, Located[]>()
  if (wanted.size === 0) return found
  const nulls = new Set(['', ...options.nulls])
  let remaining = [...wanted.values()].reduce((a, b) => a + b, 0)
  let line = 0
  await new Promise<void>((resolve, reject) => {
    const stream = createReadStream(path, {encoding: 'utf8'})
    Papa.parse<string[]>(stream, {
      delimiter: options.delimiter,
      quoteChar: '"',
      escapeChar: '"',
      step: (result, parser) => {
        line++
        if ((options.header && line === 1) || options.skipLines.has(line) || result.data.length !== options.width) return
        const cells = options.textColumns.map((k) => {
          const v = result.data[k] ?? ''
          return nulls.has(v) ? '' : v
        })
        const key = createHash('md5').update(cells.join('\u001f'), 'utf8').digest('hex')
        const want = wanted.get(key)
        if (!want) return
        const list = found.get(key) ?? []
        if (list.length >= want) return
        list.push({line, raw: Papa.unparse([result.data], {delimiter: options.delimiter, newline: ''}).slice(0, 65536)})
        found.set(key, list)
        if (--remaining === 0) {
          parser.abort()
          stream.destroy()
        }
      },
      complete: () => resolve(),
      error: (error: Error) => reject(error),
    })
  })
  return found
}
