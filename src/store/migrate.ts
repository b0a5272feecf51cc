import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {Store} from './store.js'

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations')

export interface Migration {
  version: number
  name: string
  sql: string
}

/** Migrations are `NNN_name.sql` files; each runs once, in order, in its own transaction. */
export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({version: Number(f.slice(0, 3)), name: f.slice(4, -4), sql: readFileSync(join(dir, f), 'utf8')}))
}

export async function migrate(store: Store): Promise<number[]> {
  await store.run(
    `create table if not exists schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)`,
  )
  const applied = new Set((await store.all<{version: number}>('select version from schema_migrations')).map((r) => r.version))
  const done: number[] = []
  for (const m of listMigrations()) {
    if (applied.has(m.version)) continue
    await store.transaction(async () => {
      await store.run(m.sql)
      await store.run('insert into schema_migrations values ($v, $n, now()::TIMESTAMP)', {v: m.version, n: m.name})
    })
    done.push(m.version)
  }
  // Schema changes go to the database file at once, so a crash later leaves only data in the WAL to replay.
  if (done.length > 0) await store.run('checkpoint')
  return done
}

/**
 * Migrations this code knows that the database has not applied (read-only: for readers, which must not migrate).
 * Null when the file has no schema_migrations table at all (not a ccx database, or an empty one).
 */
export async function pendingMigrations(store: Store): Promise<Migration[] | null> {
  const exists = await store.scalar<number>(`select count(*) from information_schema.tables where table_name = 'schema_migrations'`)
  if (!exists) return null
  const applied = new Set((await store.all<{version: number}>('select version from schema_migrations')).map((r) => r.version))
  return listMigrations().filter((m) => !applied.has(m.version))
}
