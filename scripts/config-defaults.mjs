// Writes the config schema's defaults (ConfigSchema.parse({})) to dist/config/defaults.generated.json, which commands
// run without a config file use instead of loading zod and the schema (src/config/locate.ts). test/unit/config.test.ts
// checks the file equals the schema's defaults.
import {writeFileSync} from 'node:fs'
import {isDeepStrictEqual} from 'node:util'
import {ConfigSchema} from '../dist/config/schema.js'

const defaults = ConfigSchema.parse({})
const json = JSON.stringify(defaults)
if (!isDeepStrictEqual(JSON.parse(json), defaults)) throw new Error('the config defaults do not survive JSON: locate.ts cannot use them')
writeFileSync(new URL('../dist/config/defaults.generated.json', import.meta.url), `${json}\n`)
