import {CcxError, EXIT} from '../errors.js'

/**
 * Every way a command can fail, turned into one small shape: the `--json` error object (`{"error": {code, message,
 * suggestions}}` on stdout) and the README's exit code. oclif's own JSON error would serialize the parser's whole
 * context (thousands of lines) and exit 1 on a usage error.
 */
export interface Failure {
  code: string
  message: string
  suggestions: string[]
  exit: number
}

export interface ErrorJson {
  error: {code: string; message: string; suggestions: string[]}
}

export function errorJson(f: Failure): ErrorJson {
  return {error: {code: f.code, message: f.message, suggestions: f.suggestions}}
}

/** oclif's parser errors by class name (they are not all exported) → our code. */
const PARSE_ERRORS: Record<string, string> = {
  NonExistentFlagsError: 'UNKNOWN_FLAG',
  RequiredArgsError: 'MISSING_ARGUMENT',
  UnexpectedArgsError: 'UNEXPECTED_ARGUMENT',
  FlagInvalidOptionError: 'INVALID_FLAG_VALUE',
  ArgInvalidOptionError: 'INVALID_ARGUMENT',
  FailedFlagValidationError: 'INVALID_FLAGS',
  ViolatedFlagConstraintError: 'INVALID_FLAGS',
  InvalidArgsSpecError: 'INVALID_ARGUMENT',
}

type OclifLike = Error & {code?: unknown; oclif?: {exit?: number}; suggestions?: unknown; parse?: unknown; flags?: unknown}

/**
 * Describes a failure. `flagNames` (the command's flags, without dashes) feed "did you mean" for a mistyped flag;
 * `command` (e.g. "report funnel") names the help to read.
 */
export function describeFailure(error: unknown, context: {flagNames?: string[]; command?: string} = {}): Failure {
  const help = context.command ? `See \`ccx ${context.command} --help\`.` : 'See `ccx --help`.'
  if (error instanceof CcxError) return {code: error.code, message: error.message, suggestions: [...error.suggestions], exit: error.exit}
  if (!(error instanceof Error)) return {code: 'INTERNAL', message: String(error), suggestions: [], exit: EXIT.failure}
  const e = error as OclifLike
  const message = cleanMessage(e.message)
  const parseCode = PARSE_ERRORS[e.constructor.name] ?? (e.parse !== undefined ? 'USAGE' : undefined)
  // a flag's own parser (integer, custom) failing: oclif prefixes "Parsing --name"
  if (parseCode || /^Parsing --/.test(e.message)) {
    const suggestions: string[] = []
    if (parseCode === 'UNKNOWN_FLAG' && Array.isArray(e.flags)) {
      for (const flag of e.flags as string[]) {
        const typed = String(flag).replace(/^-+/, '').split('=')[0]
        const close = closest(typed, context.flagNames ?? [])
        if (close.length > 0) suggestions.push(`Did you mean ${close.map((f) => `--${f}`).join(' or ')}?`)
      }
    }
    suggestions.push(help)
    return {code: parseCode ?? 'INVALID_FLAG_VALUE', message, suggestions, exit: EXIT.usage}
  }
  if (e.oclif?.exit !== undefined && e.constructor.name === 'CLIError') {
    // this.error(...) in a command: its own exit code and suggestions
    const suggestions = Array.isArray(e.suggestions) ? e.suggestions.map(String) : []
    return {code: typeof e.code === 'string' ? e.code : 'FAILED', message, suggestions, exit: e.oclif.exit}
  }
  return {
    code: 'INTERNAL',
    message,
    suggestions: ['This is a bug in ccx: run the command again without --json to see where it happened, and report it.'],
    exit: EXIT.failure,
  }
}

function cleanMessage(message: string): string {
  return message
    .replace(/\s*See more help with --help\s*$/, '')
    .replace(/^Parsing (--\S+)\s*\n\t/, 'Parsing $1: ')
    .trim()
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of two neighbours. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({length: a.length + 1}, (_, i) => [i, ...new Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0][j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[a.length][b.length]
}

/**
 * The candidates nearest to what was typed: within a third of its length (at least 1, at most 3 edits), or that it
 * starts (a truncated name). At most 3, nearest first.
 */
export function closest(typed: string, candidates: string[]): string[] {
  const t = typed.toLowerCase()
  if (!t) return []
  const limit = Math.min(3, Math.max(1, Math.floor(t.length / 3)))
  return [...new Set(candidates)]
    .map((c) => ({c, d: c.toLowerCase().startsWith(t) && t.length >= 3 ? 0.5 : editDistance(t, c.toLowerCase())}))
    .filter((x) => x.d <= limit && x.c.toLowerCase() !== t)
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, 3)
    .map((x) => x.c)
}
