import {ESLint} from 'eslint'
import {describe, expect, it} from 'vitest'
import {ROOT} from '../helpers/cli.js'

// The layer rules of eslint.config.js, exercised: src/enrich and src/scenarios stay pure (no DuckDB, no command, no
// store), by static import, re-export and dynamic import() alike. A loosened rule fails here, not in review.

const eslint = new ESLint({cwd: ROOT})

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, {filePath: `${ROOT}/${file}`})
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax').map((m) => m.message)
}

describe('layer rules', () => {
  for (const folder of ['enrich', 'scenarios']) {
    it(`src/${folder} may not import DuckDB, a command or the store`, async () => {
      const cases = [
        `import {DuckDBInstance} from '@duckdb/node-api'\nexport const x = DuckDBInstance\n`,
        `import Run from '../commands/run.js'\nexport const x = Run\n`,
        `export {default} from '../commands/report/funnel.js'\n`,
        `export const load = () => import('@duckdb/node-api')\n`,
        `export const load = () => import('../commands/run.js')\n`,
        `import type {Store} from '../store/store.js'\nexport type S = Store\n`,
      ]
      for (const code of cases) {
        const errors = await layerErrors(`src/${folder}/zz-layer-probe.ts`, code)
        expect(errors, code).toHaveLength(1)
        expect(errors[0]).toContain(`src/${folder} may not import`)
      }
      // its own folder and the vocabularies are fine
      expect(
        await layerErrors(
          `src/${folder}/zz-layer-probe.ts`,
          `import {z} from 'zod'\nimport * as v from '../vocab/events.js'\nexport const x = [z, v]\n`,
        ),
      ).toEqual([])
    }, 60_000)
  }
})
