import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {openDatabase} from '../../src/cli/open-db.js'
import {Store} from '../../src/store/store.js'
import {tempDir} from '../helpers/cli.js'

describe('opening the database for a report', () => {
  const dir = tempDir('ccx-open-db-')
  afterAll(() => dir.cleanup())

  it('a missing file is exit 5 and is not created', async () => {
    const path = join(dir.path, 'missing.duckdb')
    await expect(openDatabase(path, {readOnly: true, waitS: 0})).rejects.toMatchObject({code: 'NO_DATABASE', exit: 5})
    expect(existsSync(path)).toBe(false)
  })

  it('an older schema is refused with what to run; readers do not migrate', async () => {
    const path = join(dir.path, 'old.duckdb')
    const store = await Store.open(path)
    const latest = await store.scalar<number>('select max(version) from schema_migrations')
    await store.run('delete from schema_migrations where version = $v', {v: latest})
    await store.close()
    const error = await openDatabase(path, {readOnly: true, waitS: 0}).catch((e) => e)
    expect(error).toMatchObject({code: 'DB_SCHEMA_OLD', exit: 1})
    expect(error.message).toMatch(new RegExp(`lacks 1 migration\\(s\\) \\(${String(latest).padStart(3, '0')}_`))
    expect(error.suggestions.join(' ')).toContain(`ccx run --db ${path}`)
    const check = await Store.open(path, {readOnly: true})
    expect(await check.scalar('select count(*) from schema_migrations where version = $v', {v: latest})).toBe(0)
    await check.close()
  })

  it('a DuckDB file that is not a ccx database is exit 5', async () => {
    const path = join(dir.path, 'foreign.duckdb')
    const store = await Store.open(path, {skipMigrations: true})
    await store.run('create table t (a INTEGER)')
    await store.close()
    await expect(openDatabase(path, {readOnly: true, waitS: 0})).rejects.toMatchObject({code: 'NOT_CCX_DATABASE', exit: 5})
  })
})
