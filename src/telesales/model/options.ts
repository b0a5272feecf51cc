import {CcxError, EXIT} from '../../errors.js'
import type {TrainOptions} from './train.js'

function number(flag: string, value: string, min: number, max: number): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new CcxError(`--${flag} "${value}" must be a number from ${min} to ${max}`, {code: 'BAD_FLAG', exit: EXIT.usage})
  }
  return n
}

/** Training options from the shared flags of `scripts train` and `scripts eval`, validated. */
export function trainOptionsFromFlags(
  base: TrainOptions,
  flags: {'target-precision': string; c: string; folds: number; seed: number; 'no-seeds': boolean; 'min-positives': number},
): TrainOptions {
  if (flags.folds < 2) throw new CcxError(`--folds ${flags.folds} must be at least 2`, {code: 'BAD_FLAG', exit: EXIT.usage})
  return {
    ...base,
    targetPrecision: number('target-precision', flags['target-precision'], 0.05, 1),
    C: number('c', flags.c, 1e-4, 1e4),
    folds: flags.folds,
    seed: flags.seed,
    useSeeds: !flags['no-seeds'],
    minPositives: Math.max(1, flags['min-positives']),
  }
}
