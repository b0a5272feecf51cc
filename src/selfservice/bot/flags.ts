import {CcxError, EXIT} from '../../errors.js'

/** A confidence flag in [0, 1]; undefined when not given. */
export function parseThreshold(value: string | undefined, flag = '--threshold'): number | undefined {
  if (value === undefined) return undefined
  const v = Number(value)
  if (!(value.trim() !== '' && v >= 0 && v <= 1))
    throw new CcxError(`${flag} ${value}: use a number from 0 to 1`, {code: 'BAD_FLAG', exit: EXIT.usage})
  return v
}
