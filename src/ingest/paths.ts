import {closeSync, existsSync, lstatSync, openSync, readdirSync, readSync, statSync} from 'node:fs'
import {join, relative, resolve, sep} from 'node:path'
import {CcxError, EXIT} from '../errors.js'
import {fsError} from './sniff.js'

export const DATA_EXTENSIONS = ['.csv', '.tsv', '.tab', '.txt', '.ndjson', '.jsonl', '.json', '.parquet', '.log']

const badInput = (message: string, suggestions: string[] = []) =>
  new CcxError(message, {code: 'BAD_INPUT', exit: EXIT.badInput, suggestions})

function globToRegExp(pattern: string): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!
    if (ch === '*' && pattern[i + 1] === '*') {
      re += '.*'
      i++
      if (pattern[i + 1] === '/') i++
    } else if (ch === '*') re += '[^/]*'
    else if (ch === '?') re += '[^/]'
    else if (ch === '[') {
      const end = pattern.indexOf(']', i)
      if (end === -1) re += '\\['
      else {
        re += pattern.slice(i, end + 1)
        i = end
      }
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

function walk(dir: string, recursive: boolean, out: string[]): void {
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const p = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (recursive) walk(p, true, out)
    } else if (entry.isFile()) out.push(p)
  }
}

const isData = (p: string) => DATA_EXTENSIONS.some((e) => p.toLowerCase().endsWith(e))

/**
 * Files named by the arguments: files as given, directories' data files (sorted, not recursive), and
 * globs (`*`, `?`, `[..]`, `**`) expanded here for shells that pass them through quoted.
 */
export function expandPaths(args: string[]): string[] {
  if (args.length === 0) throw badInput('no input files given', ['Usage: ccx ingest <source> <file|dir|glob>...'])
  const files: string[] = []
  for (const arg of args) {
    if (/[*?[]/.test(arg) && !existsSync(arg)) {
      const abs = resolve(arg)
      const segments = abs.split(sep)
      const firstGlob = segments.findIndex((s) => /[*?[]/.test(s))
      const base = segments.slice(0, firstGlob).join(sep) || sep
      const pattern = globToRegExp(segments.slice(firstGlob).join('/'))
      const found: string[] = []
      if (existsSync(base) && statSync(base).isDirectory()) walk(base, true, found)
      const matched = found.filter((p) => pattern.test(relative(base, p).split(sep).join('/'))).sort()
      if (matched.length === 0) throw badInput(`no files match ${arg}`)
      files.push(...matched)
      continue
    }
    let st
    try {
      st = statSync(arg)
    } catch (error) {
      // A dangling link or a link loop exists as a link: say which.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && lstatExists(arg))
        throw badInput(`${arg}: a symbolic link to a missing file`)
      throw fsError(arg, error)
    }
    if (st.isDirectory()) {
      const found: string[] = []
      walk(arg, false, found)
      const data = found.filter(isData).sort()
      if (data.length === 0) throw badInput(`directory ${arg} has no data files (${DATA_EXTENSIONS.join(' ')})`)
      files.push(...data)
    } else files.push(arg)
  }
  return [...new Set(files)]
}

function lstatExists(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink()
  } catch {
    return false
  }
}

/**
 * An empty file, a file of blank lines, or one with only a header line is an error naming the file (before anything
 * loads). `headerless`: the format has no header (a single line is a record).
 */
export function checkNotEmpty(path: string, headerless = false): void {
  const size = statSync(path).size
  if (size === 0) throw badInput(`empty file: ${path}`)
  if (size > 1 << 20) return
  const buf = Buffer.alloc(size)
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (error) {
    throw fsError(path, error)
  }
  try {
    readSync(fd, buf, 0, size, 0)
  } finally {
    closeSync(fd)
  }
  if (buf[0] === 0xff || buf[0] === 0xfe || buf.indexOf(0) !== -1) return
  if (buf.subarray(0, 4).toString('latin1') === 'PAR1') return
  const text = buf.toString('latin1').replace(/^\xef\xbb\xbf/, '')
  if (text.trim() === '' || text.trim() === '[]') throw badInput(`${path} holds no data (${size} bytes of blank lines)`)
  if (headerless) return
  const lines = text.split(/\r\n|\n|\r/).filter((l) => l.trim() !== '')
  const first = lines[0]!.trim()
  if (lines.length === 1 && !first.startsWith('{') && !first.startsWith('[') && !/^\S+ \S+ \S+ \[/.test(first)) {
    throw badInput(`${path} has a header but no data rows`)
  }
}
