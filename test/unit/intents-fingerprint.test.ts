import {createHash} from 'node:crypto'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {ConfigSchema} from '../../src/config/schema.js'
import {defaultIntentsPath} from '../../src/enrich/intent/paths.js'
import intents from '../../src/pipelines/intents/pipeline.js'

// The fingerprint is what tells a report its intents are stale: it must be the hash of the intents file's bytes
// followed by its model's, exactly as the classifier's setup computes it (a changed formula would mark every database
// stale after an upgrade), and it must not need the schema to be loaded.
const sha16 = (...parts: Buffer[]) =>
  parts
    .reduce((h, p) => h.update(p), createHash('sha256'))
    .digest('hex')
    .slice(0, 16)
const ctxFor = (files: {intents?: string}, baseDir: string) => ({
  store: undefined as never,
  config: {config: ConfigSchema.parse({files}), baseDir},
  log: () => {},
})

describe('intents pipeline fingerprint', () => {
  it('hashes the shipped intents file and the model it names', async () => {
    const path = defaultIntentsPath()
    const model = join(path, '..', JSON.parse(readFileSync(path, 'utf8')).model as string)
    const f = await intents.fingerprint!(ctxFor({}, process.cwd()))
    expect(f.slice(0, 16)).toBe(sha16(readFileSync(path), readFileSync(model)))
  })

  it('hashes a file without a model alone, and changes when the file does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccx-intfp-'))
    const text = JSON.stringify({intents: [{id: 'repair', rules: [{contains: ['维修']}]}]})
    writeFileSync(join(dir, 'i.json'), text)
    const a = await intents.fingerprint!(ctxFor({intents: 'i.json'}, dir))
    expect(a.slice(0, 16)).toBe(sha16(Buffer.from(text)))
    writeFileSync(join(dir, 'i.json'), text.replace('维修', '修理'))
    const b = await intents.fingerprint!(ctxFor({intents: 'i.json'}, dir))
    expect(b.slice(0, 16)).not.toBe(a.slice(0, 16))
  })

  it('gives the classifier setup error for a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccx-intfp-'))
    await expect(intents.fingerprint!(ctxFor({intents: 'nope.json'}, dir))).rejects.toThrow(/intents file not found/)
  })
})
