/** Wall-clock `YYYY-MM-DD HH:MM:SS.mmm` of an instant in a time zone (the project stores naive local timestamps). */
export function localTimestamp(date: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date)
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00'
  const ms = String(date.getMilliseconds()).padStart(3, '0')
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}.${ms}`
}

/**
 * A wall-clock time of a zone (`YYYY-MM-DD HH:MM:SS[.mmm]`, as the journal stores it) as ISO 8601 with that zone's
 * offset (`2026-11-23T02:30:00.000+08:00`): the same instant for every reader, the local time still readable. In a
 * repeated hour (DST ending) one of its two instants is taken.
 */
export function zonedIso(wallClock: string, timeZone: string): string {
  const m = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,3}))?/.exec(wallClock)
  if (!m) throw new Error(`not a wall-clock time: ${wallClock}`)
  const ms = Number((m[7] ?? '0').padEnd(3, '0'))
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], ms)
  // the zone's offset at the instant; twice, in case the first guess fell on the other side of a DST change
  const offsetAt = (instant: number) => Date.parse(`${localTimestamp(new Date(instant), timeZone).replace(' ', 'T')}Z`) - instant
  let offset = offsetAt(asUtc)
  offset = offsetAt(asUtc - offset)
  const minutes = Math.round(offset / 60_000)
  const sign = minutes < 0 ? '-' : '+'
  const hh = String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0')
  const mm = String(Math.abs(minutes) % 60).padStart(2, '0')
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${String(ms).padStart(3, '0')}${sign}${hh}:${mm}`
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
