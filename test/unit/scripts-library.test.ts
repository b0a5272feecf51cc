import {describe, expect, it} from 'vitest'
import {loadLibrary, parseLibrary} from '../../src/telesales/library.js'
import {parseJsonWithLines} from '../../src/config/json-positions.js'

describe('script library', () => {
  it('the shipped defaults/scripts.json is valid, stages in order, one consequence script', () => {
    const lib = loadLibrary()
    expect(lib.stages.map((s) => s.id)).toEqual(['greeting', 'introduction', 'needs', 'objection', 'closing'])
    expect(lib.scripts.filter((s) => s.consequence).map((s) => s.id)).toEqual(['close_order_confirm'])
    for (const s of lib.scripts) {
      expect(
        s.phrasings.some((p) => /[\u4e00-\u9fff]/.test(p)),
        `${s.id} has a Chinese phrasing`,
      ).toBe(true)
      expect(
        s.phrasings.some((p) => /^[\x20-\x7e]+$/.test(p)),
        `${s.id} has an English phrasing`,
      ).toBe(true)
    }
  })

  it('reports the line and field of each problem', () => {
    const text = [
      '{',
      '  "stages": [',
      '    {"id": "greeting", "scripts": [',
      '      {"id": "hello", "phrasings": ["您好"]},',
      '      {"id": "hello", "phrasings": ["你好呀"]}',
      '    ]},',
      '    {"id": "closing", "scripts": [',
      '      {"id": "bye", "tags": ["x"],',
      '       "phrasings": []}',
      '    ]}',
      '  ]',
      '}',
    ].join('\n')
    const schema = parseLibrary(text)
    expect(schema.library).toBeUndefined()
    expect(schema.issues).toEqual([{line: 9, field: 'stages[1].scripts[0].phrasings', message: 'needs at least one phrasing'}])
    const dup = parseLibrary(text.replace('"phrasings": []', '"phrasings": ["再见"]'))
    expect(dup.issues).toEqual([
      {line: 5, field: 'stages[0].scripts[1].id', message: 'duplicate script id "hello" (also in stage greeting)'},
    ])
  })

  it('reports JSON syntax errors with their line', () => {
    const r = parseLibrary('{\n  "stages": [\n    {"id": "a",}\n  ]\n}')
    expect(r.issues[0].line).toBe(3)
    expect(r.issues[0].field).toBe('(syntax)')
  })

  it('locates nested values', () => {
    const located = parseJsonWithLines('{\n"a": [\n1,\n{"b":\n2}\n]\n}')
    expect(located.value).toEqual({a: [1, {b: 2}]})
    expect(located.lineOf(['a', 1, 'b'])).toBe(4)
    expect(located.lineOf(['a', 0])).toBe(3)
    expect(located.lineOf(['a', 5, 'zz'])).toBe(2)
  })
})
