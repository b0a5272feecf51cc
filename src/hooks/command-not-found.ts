import {Errors, type Hook} from '@oclif/core'
import {EXIT} from '../errors.js'
import {errorJson, type Failure} from '../cli/failures.js'
import {closest} from '../vocab/nearest.js'

/**
 * `ccx reprt` / `ccx report funnle`: "did you mean" among the commands and topics, exit 2 (wrong usage). With --json
 * the error is the same small object every command prints.
 */
const hook: Hook.CommandNotFound = async function (options) {
  const typed = options.id.replaceAll(':', ' ')
  const ids = [...new Set([...options.config.commandIDs, ...options.config.topics.map((t) => t.name)].map((id) => id.replaceAll(':', ' ')))]
  let near = closest(typed, ids)
  // a topic right, the command mistyped ("report funnle"), or a command without its topic ("funnel")
  if (near.length === 0) {
    const last = typed.split(' ').at(-1)!
    const lastOf = (id: string) => id.split(' ').at(-1)!
    const exact = ids.filter((id) => id !== typed && lastOf(id) === last)
    near = exact.length > 0 ? exact.slice(0, 3) : ids.filter((id) => closest(last, [lastOf(id)]).length > 0).slice(0, 3)
  }
  const failure: Failure = {
    code: 'UNKNOWN_COMMAND',
    message: `"${typed}" is not a ccx command`,
    suggestions: [...(near.length > 0 ? [`Did you mean ${near.map((id) => `\`ccx ${id}\``).join(' or ')}?`] : []), 'See `ccx --help`.'],
    exit: EXIT.usage,
  }
  const argv = options.argv ?? []
  const dashDash = argv.indexOf('--')
  const json = argv.includes('--json') && (dashDash === -1 || argv.indexOf('--json') < dashDash)
  if (json) {
    process.stdout.write(`${JSON.stringify(errorJson(failure), null, 2)}\n`)
    this.exit(failure.exit)
  }
  throw new Errors.CLIError(failure.message, {exit: failure.exit, code: failure.code, suggestions: failure.suggestions})
}

export default hook
