import {COMBINED_LOG_RE} from './detect.js'

/**
 * Probe beacon requests in web-server access logs (combined log format), e.g.
 * `GET /collect?v=1&t=pageview&s=site1&vid=v123&u=https%3A%2F%2F...&r=...&dt=...`. The parameter names are
 * documented in docs/formats.md ("Access logs"); `ccx serve`'s probe uses the same names.
 */
export const BEACON_PATH = '/collect'

/** Beacon parameter → probe field. */
export const BEACON_PARAMS: Record<string, string> = {
  eid: 'event_id',
  t: 'type',
  s: 'site',
  vid: 'visitor_id',
  u: 'url',
  dt: 'title',
  r: 'referrer',
  x: 'x',
  y: 'y',
  sel: 'selector',
  mid: 'member_id',
  vc: 'visit_count',
  did: 'directive_id',
  rid: 'ref_id',
  val: 'value',
  p: 'props',
}
/** Protocol version and cache busters: not event data. */
const IGNORED_PARAMS = new Set(['v', '_', 'z', 'cb'])

const MONTHS: Record<string, string> = {
  Jan: '01',
  Feb: '02',
  Mar: '03',
  Apr: '04',
  May: '05',
  Jun: '06',
  Jul: '07',
  Aug: '08',
  Sep: '09',
  Oct: '10',
  Nov: '11',
  Dec: '12',
}

/** `10/Oct/2026:13:55:36 +0800` → `2026-10-10 13:55:36` (the server's wall clock; the offset is dropped). */
export function parseLogTime(s: string): string | null {
  const m = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})/.exec(s)
  if (!m || !MONTHS[m[2]!]) return null
  return `${m[3]}-${MONTHS[m[2]!]}-${m[1]} ${m[4]}:${m[5]}:${m[6]}`
}

export type AccessLogResult =
  {kind: 'event'; fields: Record<string, string>} | {kind: 'skip'} | {kind: 'bad'; reason: string; field?: string}

/** One access-log line → a probe event (beacon request), skip (another request), or bad (not a log line). */
export function parseAccessLogLine(line: string): AccessLogResult {
  const m = COMBINED_LOG_RE.exec(line)
  if (!m) return line.trim() === '' ? {kind: 'skip'} : {kind: 'bad', reason: 'bad_log_line: not in combined log format'}
  const [, host, time, request, , , referer, agent] = m
  const rm = /^(GET|POST|HEAD) (\S+)/.exec(request!)
  if (!rm) return {kind: 'skip'}
  const target = rm[2]!
  const q = target.indexOf('?')
  const path = q === -1 ? target : target.slice(0, q)
  if (!path.endsWith(BEACON_PATH)) return {kind: 'skip'}
  const ts = parseLogTime(time!)
  if (!ts) return {kind: 'bad', reason: `bad_timestamp: log time "${time}"`, field: 'ts'}
  let params: URLSearchParams
  try {
    params = new URLSearchParams(q === -1 ? '' : target.slice(q + 1))
  } catch {
    return {kind: 'bad', reason: 'bad_log_line: unparseable query string'}
  }
  const fields: Record<string, string> = {ts, ip: host!, user_agent: unescapeLog(agent ?? '')}
  const extra: Record<string, string> = {}
  for (const [k, v] of params) {
    const field = BEACON_PARAMS[k]
    if (field) fields[field] = v
    else if (!IGNORED_PARAMS.has(k)) extra[k] = v
  }
  if (!fields.url && referer && referer !== '-') fields.url = unescapeLog(referer)
  if (fields.user_agent === '-') fields.user_agent = ''
  if (Object.keys(extra).length > 0) fields.props = mergeProps(fields.props, extra)
  return {kind: 'event', fields}
}

/** nginx escapes `"` and non-printable bytes as \xHH in log fields. */
function unescapeLog(s: string): string {
  if (!s.includes('\\')) return s
  const bytes: number[] = []
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) {
      bytes.push(Number.parseInt(s.slice(i + 2, i + 4), 16))
      i += 3
    } else if (s[i] === '\\' && (s[i + 1] === '"' || s[i + 1] === '\\')) {
      bytes.push(s.charCodeAt(i + 1))
      i++
    } else bytes.push(...Buffer.from(s[i]!, 'utf8'))
  }
  return Buffer.from(bytes).toString('utf8')
}

/** Extra fields go into props (JSON text), beside what props already holds. */
export function mergeProps(props: string | undefined, extra: Record<string, unknown>): string {
  if (props) {
    try {
      const parsed = JSON.parse(props)
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return JSON.stringify({...parsed, ...extra})
    } catch {
      return JSON.stringify({...extra, props})
    }
  }
  return JSON.stringify(extra)
}
