import {createReadStream} from 'node:fs'
import Papa from 'papaparse'

export interface LocatedRow {
  line: number
  field: string
  raw: string
}

/**
 * Finds the records whose required text columns are empty, numbered as DuckDB's read_csv numbers them
 * (header = 1, a record spanning lines counts once, blank lines count). Only run when the fast path loaded
 * such rows (it has no line numbers for rows it loaded), so the cost of a second pass is rare.
 */
export async function locateEmptyFields(
  path: string,
  delimiter: string,
  columns: Array<{index: number; field: string}>,
  skipLines: Set<number>,
  width: number,
): Promise<LocatedRow[]> {
  const found: LocatedRow[] = []
  let line = 0
  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(createReadStream(path, {encoding: 'utf8'}), {
      delimiter,
      quoteChar: '"',
      escapeChar: '"',
      step: (result) => {
        line++
        if (line === 1 || skipLines.has(line) || result.data.length !== width) return
        const empty = columns.find((c) => /^ *$/.test(result.data[c.index] ?? ''))
        if (empty) found.push({line, field: empty.field, raw: Papa.unparse([result.data], {delimiter, newline: ''}).slice(0, 65536)})
      },
      complete: () => resolve(),
      error: (error: Error) => reject(error),
    })
  })
  return found
}
