// File access for questionnaires; the checks themselves (check.ts) are pure.
import {existsSync, readFileSync} from 'node:fs'
import {dirname, isAbsolute, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {CcxError, EXIT} from '../errors.js'
import type {SurveysFile} from '../vocab/surveys.js'
import {checkSurveysText} from './check.js'

export function loadSurveysFile(path: string): SurveysFile {
  if (!existsSync(path))
    throw new CcxError(`questionnaires file not found: ${path}`, {
      code: 'SURVEYS_MISSING',
      exit: EXIT.badInput,
      suggestions: ['Give --surveys FILE or set files.surveys in ccx.config.json (docs/surveys.md).'],
    })
  const {file, issues} = checkSurveysText(readFileSync(path, 'utf8'))
  if (issues.length > 0 || !file) throw surveysInvalid(path, issues)
  return file
}

export function surveysInvalid(path: string, issues: Array<{line: number; field: string; message: string}>): CcxError {
  const lines = issues.map((i) => `${path}:${i.line}: ${i.field}: ${i.message}`)
  return new CcxError(`${issues.length} problem(s) in ${path}:\n${lines.join('\n')}`, {
    code: 'SURVEYS_INVALID',
    exit: EXIT.invalidConfig,
    suggestions: ['The questionnaire format is in docs/surveys.md; `ccx surveys check FILE` lists every problem.'],
  })
}

/** The questionnaires shipped with ccx (same depth from src/ and dist/). */
export function defaultSurveysPath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'defaults', 'surveys.json')
}

/** --surveys, else files.surveys from the config (relative to its folder), else the shipped file. */
export function surveysPathFor(config: {config: {files: {surveys?: string}}; baseDir: string}, flag?: string): string {
  if (flag) return resolve(flag)
  const p = config.config.files.surveys
  return p ? (isAbsolute(p) ? p : resolve(config.baseDir, p)) : defaultSurveysPath()
}
