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

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
