/**
 * Secrets in `exec` job steps never reach the scheduler's log, `jobs history` or the lock file (docs/ops.md,
 * "Secrets"). Keep them out of the config: reference an environment variable (`curl -H "Authorization: Bearer
 * $API_TOKEN" …`; the shell expands it, ccx records the reference). What still shows up is masked as `***`:
 * - credentials in URLs (`https://user:secret@host`), Authorization headers, and `key=value`, `key: value`,
 *   `--key value` / `--key=value` where the key names a secret (password, token, secret, api key, …);
 * - the value of every environment variable whose name names a secret (as a child's error output may echo it);
 * - the step's `redact` list: names of environment variables whose values are secret, or literal strings.
 */

const SECRET_NAME = /pass(?:word|wd)?|pwd|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|credential|auth/i

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi
const AUTH_HEADER = /\b((?:proxy-)?authorization\s*[:=]\s*(?:(?:bearer|basic|token|digest)\s+)?)([^\s'"]+)/gi
const KEY_VALUE =
  /((?:^|[\s'"&?;,{(])-{0,2}[\w.-]*(?:pass(?:word|wd)?|pwd|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|credential)[\w.-]*["']?\s*(?:=|:\s*|\s+)["']?)([^\s'"&;,})]+)/gi

const MASK = '***'
/** Shorter values are too likely to appear by chance to be replaced wherever they occur. */
const MIN_SECRET_LENGTH = 6

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** A function that masks the secrets in a text (see above). */
export function redactor(redact: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): (text: string) => string {
  const values = new Set<string>()
  for (const [name, value] of Object.entries(env))
    if (value && SECRET_NAME.test(name) && value.length >= MIN_SECRET_LENGTH) values.add(value)
  for (const entry of redact) {
    const name = entry.startsWith('$') ? entry.slice(1) : entry
    const fromEnv = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? env[name] : undefined
    if (fromEnv) values.add(fromEnv)
    else if (!entry.startsWith('$') && entry.length > 0) values.add(entry)
  }
  // longest first, so a secret that contains another is masked whole
  const literal =
    values.size > 0
      ? new RegExp(
          [...values]
            .sort((a, b) => b.length - a.length)
            .map(escapeRegExp)
            .join('|'),
          'g',
        )
      : undefined
  return (text) => {
    // an environment reference ($NAME) is not the secret: it stays readable
    const mask = (whole: string, key: string, value: string) => (value.startsWith('$') || value === MASK ? whole : key + MASK)
    const out = text.replace(URL_CREDENTIALS, `$1${MASK}@`).replace(AUTH_HEADER, mask).replace(KEY_VALUE, mask)
    return literal ? out.replace(literal, MASK) : out
  }
}
