import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {insertColumns} from '../../src/ingest/insert.js'
import {Store} from '../../src/store/store.js'
import {SOURCES, storedColumns} from '../../src/vocab/sources.js'
import {CALL_DIRECTION, canonicalValue} from '../../src/vocab/values.js'

/** One definition of each source's fields: the raw tables the migrations create are what the specs say. */
let store: Store
beforeAll(async () => {
  store = await Store.open(':memory:')
})
afterAll(async () => store.close())

describe('source field specs', () => {
  it('every raw table has exactly the columns, types and NOT NULLs its source spec derives', async () => {
    for (const spec of Object.values(SOURCES)) {
      for (const table of spec.tables) {
        const actual = await store.all<{column: string; type: string; notNull: boolean}>(
          `select column_name as column, data_type as type, is_nullable = 'NO' as "notNull" from information_schema.columns where table_name = $t order by ordinal_position`,
          {t: table},
        )
        const expected = storedColumns(spec)
          .filter((c) => c.table === table)
          .map((c) => ({column: c.column, type: c.type, notNull: c.notNull}))
        const byName = (a: {column: string}, b: {column: string}) => a.column.localeCompare(b.column)
        expect({table, columns: actual.sort(byName)}).toEqual({table, columns: expected.sort(byName)})
      }
    }
  })
  it('the insert statements name every stored column but the sequence default', () => {
    expect(insertColumns(SOURCES.calls, 'raw_calls').map((c) => c.column)).toContain('phone_hash')
    expect(insertColumns(SOURCES.probe, 'raw_probe_events').map((c) => c.column)).not.toContain('event_key')
  })
  it('vocabularies accept their values and synonyms, case-insensitively, and nothing else', () => {
    expect(canonicalValue(CALL_DIRECTION, ' Inbound ')).toBe('inbound')
    expect(canonicalValue(CALL_DIRECTION, '呼出')).toBe('outbound')
    expect(canonicalValue(CALL_DIRECTION, 'sideways')).toBeUndefined()
  })
})
