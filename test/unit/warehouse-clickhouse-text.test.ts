import {describe, expect, it} from 'vitest'
import {chString, tsvField} from '../../src/warehouse/clickhouse.js'
import {ConfigSchema} from '../../src/config/schema.js'

describe('ClickHouse text formats', () => {
  it('escapes TabSeparated fields as ClickHouse reads them', () => {
    expect(tsvField(null)).toBe('\\N')
    expect(tsvField(undefined)).toBe('\\N')
    expect(tsvField(true)).toBe('1')
    expect(tsvField(false)).toBe('0')
    expect(tsvField(12.5)).toBe('12.5')
    // a keyword with a tab, a newline and a backslash stays one field of one row
    expect(tsvField('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re')
    expect(tsvField('佳能 打印机')).toBe('佳能 打印机')
  })

  it('quotes string literals', () => {
    expect(chString("it's")).toBe("'it\\'s'")
    expect(chString('a\\b')).toBe("'a\\\\b'")
  })
})

describe('config warehouse.clickhouse', () => {
  it('takes a URL, a cluster and shard URLs, and refuses a database name that is not an identifier', () => {
    const ok = ConfigSchema.parse({
      warehouse: {clickhouse: {url: 'http://ch1:8123', cluster: 'ccx', shards: ['http://ch1:8123', 'http://ch2:8123']}},
    })
    expect(ok.warehouse?.clickhouse?.database).toBe('default')
    expect(() => ConfigSchema.parse({warehouse: {clickhouse: {url: 'not a url'}}})).toThrow()
    expect(() => ConfigSchema.parse({warehouse: {clickhouse: {url: 'http://ch1:8123', database: 'x; drop'}}})).toThrow()
    expect(() => ConfigSchema.parse({warehouse: {clickhouse: {url: 'http://ch1:8123', port: 1}}})).toThrow()
  })
})
