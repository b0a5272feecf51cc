import {appendFileSync} from 'node:fs'
import {createRequire, register} from 'node:module'
import {pathToFileURL} from 'node:url'
register('./import-recorder-hooks.mjs', import.meta.url)
// CommonJS files (require) bypass the ESM hooks: they are in require's cache when the process ends
process.on('exit', () => {
  const files = Object.keys(createRequire(import.meta.url).cache)
  if (process.env.IMPORT_LOG && files.length > 0)
    appendFileSync(process.env.IMPORT_LOG, files.map((f) => pathToFileURL(f).href + '\n').join(''))
})
