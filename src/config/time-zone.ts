import {z} from 'zod'
import {closest} from '../vocab/nearest.js'

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', {timeZone})
    return true
  } catch {
    return false
  }
}

/** An IANA time zone name; a mistyped one is refused with the nearest names. */
export const TimeZoneSchema = z.string().superRefine((tz, ctx) => {
  if (isValidTimeZone(tz)) return
  const near = closest(tz, Intl.supportedValuesOf('timeZone'))
  ctx.addIssue({
    code: 'custom',
    message: `"${tz}" is not an IANA time zone${near.length > 0 ? `; did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : ' (e.g. Asia/Shanghai)'}`,
  })
})
