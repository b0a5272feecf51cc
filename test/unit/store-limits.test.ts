import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {openDatabase} from '../../src/cli/open-db.js'
import {settingBytes} from '../../src/pipelines/normalize/pipeline.js'
import {defaultConfig, parseConfigText} from '../../src/config/load.js'
import {Store, storeLimits} from '../../src/store/store.js'
import {tempDir} from '../helpers/cli.js'

describe("DuckDB's memory limit and spill folder from the config's store section", () => {
  const dir = tempDir('ccx-store-limits-')
  afterAll(() => dir.cleanup())

  it('defaults to 1GB (DuckDB counts 10^9 bytes and shows MiB: 953.6 MiB)', async () => {
    const store = await Store.open(join(dir.path, 'default.duckdb'), storeLimits(defaultConfig(dir.path).config.store))
    expect(await store.scalar("select current_setting('memory_limit')")).toBe('953.6 MiB')
    await store.close()
  })

  it('a sort bigger than a small limit spills to the configured folder and completes', async () => {
    const config = parseConfigText(
      JSON.stringify({store: {memoryLimit: '32MB', tempDirectory: join(dir.path, 'spill'), threads: 1}}),
      'ccx.config.json',
    )
    const store = await Store.open(join(dir.path, 'small.duckdb'), storeLimits(config.store))
    expect(await store.scalar("select current_setting('memory_limit')")).toBe('30.5 MiB')
    expect(await store.scalar("select current_setting('threads')::INTEGER")).toBe(1)
    // 2 M rows of 64-character strings: over 100 MB to sort, several times the limit
    await store.run(`create table big as select md5(i::VARCHAR) || md5((i * 7)::VARCHAR) as s, i from range(2000000) t(i) order by s`)
    expect(await store.scalar('select count(*)::INTEGER from big')).toBe(2_000_000)
    expect(existsSync(join(dir.path, 'spill'))).toBe(true)
    await store.close()
  }, 120_000)

  it('a report opening (read-only, waiting) gets the same limits', async () => {
    const path = join(dir.path, 'default.duckdb')
    const store = await openDatabase(path, {readOnly: true, waitS: 0, limits: {memoryLimit: '200MB'}})
    expect(await store.scalar("select current_setting('memory_limit')")).toBe('190.7 MiB')
    await store.close()
  })

  it('a size DuckDB would not read is refused by the config check, naming the field', () => {
    expect(() => parseConfigText(JSON.stringify({store: {memoryLimit: 'lots'}}), 'ccx.config.json')).toThrow(/store\.memoryLimit/)
  })

  it("reads DuckDB's printed memory limit back in bytes (normalize sizes its rebuild batches from it)", async () => {
    const store = await Store.open(join(dir.path, 'default.duckdb'), {memoryLimit: '1GB'})
    // 1GB is 10^9 bytes, printed as 953.6 MiB: read back within the printed digit (DuckDB cuts 953.67 to 953.6)
    expect(Math.abs(settingBytes(await store.scalar<string>("select current_setting('memory_limit')"))! - 1e9)).toBeLessThan(0.1 * 2 ** 20)
    await store.close()
    expect(settingBytes('1.5 GiB')).toBe(1.5 * 2 ** 30)
    expect(settingBytes('512 KB')).toBe(512_000)
    expect(settingBytes('100 bytes')).toBe(100)
    expect(settingBytes('unlimited')).toBeUndefined()
  })
})
