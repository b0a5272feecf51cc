import {existsSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

/**
 * A path in the shared folder that sits beside the repository (../shared: real data and reference lists; CI lays a
 * copy there too). A git worktree sits deeper, so each parent folder is tried; the first candidate is returned when
 * none exists, and the caller skips its test.
 */
export function sharedPath(...parts: string[]): string {
  let dir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
  const first = join(dir, '..', 'shared', ...parts)
  for (;;) {
    const candidate = join(dir, '..', 'shared', ...parts)
    if (existsSync(candidate)) return candidate
    if (dirname(dir) === dir) return first
    dir = dirname(dir)
  }
}
