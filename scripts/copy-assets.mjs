// Copies non-TypeScript assets (SQL steps, default config files) from src/ to dist/ beside the compiled code.
import {cpSync, readdirSync, statSync, mkdirSync} from 'node:fs'
import {join, dirname, extname} from 'node:path'

const ASSET_EXTENSIONS = new Set(['.sql', '.json', '.yml', '.yaml', '.txt', '.js'])
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path)
    else if (ASSET_EXTENSIONS.has(extname(name)) && !name.endsWith('.d.ts') && !(extname(name) === '.js' && !path.includes('/assets/'))) {
      const target = join('dist', path.slice('src/'.length))
      mkdirSync(dirname(target), {recursive: true})
      cpSync(path, target)
    }
  }
}
walk('src')
