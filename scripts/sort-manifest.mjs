// oclif writes the manifest's commands in the order its directory walk finishes, which varies between builds.
// Sorting them by id makes `npm run build` leave a clean clone unchanged.
import {readFileSync, writeFileSync} from 'node:fs'

const path = process.argv[2] ?? 'oclif.manifest.json'
const manifest = JSON.parse(readFileSync(path, 'utf8'))
manifest.commands = Object.fromEntries(Object.entries(manifest.commands).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
const next = JSON.stringify(manifest, null, 2) + '\n'
if (next !== readFileSync(path, 'utf8')) writeFileSync(path, next)
