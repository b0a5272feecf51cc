/** A user-facing failure: what went wrong, where, and what to do. Commands turn it into `this.error`. */
export class CcxError extends Error {
  readonly code: string
  readonly exit: number
  readonly suggestions: string[]

  constructor(message: string, options: {code: string; exit?: number; suggestions?: string[]}) {
    super(message)
    this.name = 'CcxError'
    this.code = options.code
    this.exit = options.exit ?? 1
    this.suggestions = options.suggestions ?? []
  }
}

/** Exit codes, documented in the README. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** Input had more bad rows than --max-bad allows (the good rows were still loaded). */
  tooManyBadRows: 3,
  /** The database file is locked by another process. */
  databaseBusy: 4,
  /** Input file missing, empty or unreadable. */
  badInput: 5,
  /** A config, intents, scenarios or scripts file failed validation. */
  invalidConfig: 6,
} as const
