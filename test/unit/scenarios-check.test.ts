import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parseWithPositions} from '../../src/config/json-positions.js'
import {checkScenariosText} from '../../src/scenarios/validate.js'

const ROOT = join(import.meta.dirname, '../..')

describe('scenarios check', () => {
  it('accepts the shipped defaults', () => {
    const r = checkScenariosText(readFileSync(join(ROOT, 'defaults/scenarios.json'), 'utf8'), {
      knownIntents: ['service_station', 'price_quote', 'purchase', 'store_locator', 'support', 'other'],
    })
    expect(r.issues).toEqual([])
    expect(r.file?.scenarios.length).toBeGreaterThan(4)
  })
  it('names the line and field of a bad value', () => {
    const text = [
      '{',
      '  "scenarios": [',
      '    {',
      '      "id": "a",',
      '      "when": {"visitNumber": {"min": "three"}},',
      '      "actions": [{"type": "lead_form"}]',
      '    }',
      '  ]',
      '}',
    ].join('\n')
    const r = checkScenariosText(text)
    expect(r.issues[0]).toMatchObject({line: 5, field: 'scenarios.0.when.visitNumber.min'})
  })
  it('names the line of an unknown key and of an unknown action type', () => {
    const text = ['{"scenarios": [', '  {"id": "a",', '   "whenn": {},', '   "actions": [', '     {"type": "popup"}', '   ]}', ']}'].join(
      '\n',
    )
    const r = checkScenariosText(text)
    expect(r.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({line: 3, field: 'scenarios.0.whenn'}),
        expect.objectContaining({line: 5, field: 'scenarios.0.actions.0.type'}),
      ]),
    )
  })
  it('reports a syntax error with its line', () => {
    const r = checkScenariosText('{\n  "scenarios": [\n    {"id": "a",}\n  ]\n}')
    expect(r.issues[0].line).toBe(3)
    expect(r.issues[0].field).toBe('(syntax)')
  })
  it('flags duplicate ids, unknown intents, inverted ranges and missing route targets', () => {
    const text = JSON.stringify(
      {
        scenarios: [
          {id: 'x', when: {intent: ['repair']}, actions: [{type: 'route', route: {kind: 'skill_group'}}]},
          {id: 'x', when: {dwellS: {min: 60, max: 10}}, actions: [{type: 'lead_form'}]},
        ],
      },
      null,
      2,
    )
    const schemaIssues = checkScenariosText(text).issues
    expect(schemaIssues.map((i) => i.field)).toContain('scenarios.0.actions.0.route.target')
    const fixed = text.replace('"kind": "skill_group"', '"kind": "skill_group", "target": "sales"')
    const r = checkScenariosText(fixed, {knownIntents: ['service_station']})
    const fields = r.issues.map((i) => i.field)
    expect(fields).toEqual(['scenarios.0.when.intent.0', 'scenarios.1.id', 'scenarios.1.when.dwellS'])
    const lines = fixed.split('\n')
    for (const i of r.issues) expect(lines[i.line - 1]).toMatch(/"repair"|"id": "x"|"dwellS"/)
  })
  it('records positions of nested values', () => {
    const {positions} = parseWithPositions('{\n "a": [\n  1,\n  {"b": true}\n ]\n}')
    expect(positions.get('a.0')?.line).toBe(3)
    expect(positions.get('a.1.b')?.line).toBe(4)
  })
})
