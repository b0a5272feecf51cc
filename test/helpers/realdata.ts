import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {ROOT} from './cli.js'

/**
 * A real data set from shared/realdata: `../shared/realdata/NAME` beside the repository (a clone and CI), else the
 * nearest `shared/realdata/NAME` above it (a git worktree nested deeper). Throws when there is none: a test on real
 * data must not pass by skipping.
 */
export function realData(name: string): string {
  let dir = dirname(ROOT)
  for (;;) {
    const candidate = join(dir, 'shared', 'realdata', name)
    if (existsSync(candidate)) return candidate
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`real data set ${name} not found in ../shared/realdata or above ${ROOT}`)
    dir = parent
  }
}
