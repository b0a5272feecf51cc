import {CcxError, EXIT} from '../errors.js'
import {closest} from '../vocab/nearest.js'

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
