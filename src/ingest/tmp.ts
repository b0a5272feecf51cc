import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/**
 * Ingest's temporary folders are named `ccx-ingest-<pid>-XXXXXX`, so a later ingest can remove those a killed one
 * left behind (its process is gone); a folder of a running ingest is left alone.
 */
const PREFIX = 'ccx-ingest-'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes the folders of ingests that no longer run; returns their names. */
export function sweepStaleTempDirs(dir = tmpdir()): string[] {
  const removed: string[] = []
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return removed
  }
  for (const name of names) {
    const m = /^ccx-ingest-(\d+)-/.exec(name)
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue
    rmSync(join(dir, name), {recursive: true, force: true})
    removed.push(name)
  }
  return removed
}

export function makeTempDir(): string {
  return mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`))
}
