import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import iconv from 'iconv-lite'
import {describe, expect, it} from 'vitest'
import {csvRecords, decodeKb, parseKb} from '../../src/selfservice/kb/parse.js'
import {currentEntries, entryVersions, importKb, readKbFile} from '../../src/selfservice/kb/service.js'
import {Store} from '../../src/store/store.js'

const sample = join(import.meta.dirname, '../../fixtures/selfservice/kb-sample.csv')
const broken = join(import.meta.dirname, '../../fixtures/selfservice/kb-broken.csv')

describe('KB files', () => {
  it('reads a CSV with Chinese headers, a multi-line answer, links with kinds and follow-ups', () => {
    const kb = parseKb(readFileSync(sample, 'utf8'), 'csv')
    expect(kb.issues).toEqual([])
    expect(kb.entries.map((e) => e.id)).toEqual(['faq-001', 'faq-002', 'faq-003'])
    expect(kb.lines).toEqual([2, 4, 5])
    const [a, , c] = kb.entries
    expect(a.similar).toEqual(['驱动下载', '怎么装驱动', 'Where can I download the driver?'])
    expect(a.answer).toBe('在“驱动下载”页输入型号、选择系统即可下载。\n安装时请以管理员身份运行。')
    expect(a.links).toEqual([{kind: 'card', title: '驱动下载', url: '/support/drivers'}])
    expect(c.links).toEqual([
      {kind: 'card', title: '服务网点查询', url: '/service/stations'},
      {kind: 'campaign', title: '以旧换新', url: '/campaign/trade-in'},
    ])
    expect(c.followups).toEqual(['faq-001'])
  })

  it('names the line, field and value of every problem', () => {
    const kb = parseKb(readFileSync(broken, 'utf8'), 'csv')
    const got = kb.issues.map((i) => `${i.line} ${i.field} ${i.value ?? ''}: ${i.message}`)
    expect(got).toEqual([
      '2 links[0].url ftp://x/drivers: must be an http(s) URL or a path starting with /',
      '3 id faq-001: duplicate id (first on line 2)',
      '4 id faq 003: must be letters, digits, _ . : or - (no spaces)',
      '4 answer : must not be empty',
      // checked although the row failed the schema: one import names every problem
      '4 followups[0] faq-009: no entry with this id in the file',
    ])
  })

  it('JSON problems carry the line of the field', () => {
    const text =
      '{"entries": [\n  {"id": "a", "question": "q1", "answer": "x"},\n  {"id": "b",\n   "question": "q2",\n   "answer": "y",\n   "followups": ["zz"]}\n]}'
    expect(parseKb(text).issues).toEqual([{line: 3, field: 'followups[0]', value: 'zz', message: 'no entry with this id in the file'}])
    const typo = '[\n {"id": "a", "question": "q", "answer": "x",\n  "anwser": "y"}\n]'
    expect(parseKb(typo).issues[0]).toMatchObject({line: 2, message: expect.stringContaining('anwser')})
    expect(parseKb('[{"id": "a",]').issues[0]).toMatchObject({line: 1, field: '(syntax)'})
  })

  it('decodes GB18030 (Excel in China) and quoted fields spanning lines', () => {
    const gbk = iconv.encode('id,question,answer\nx,保修多久？,一年\n', 'gb18030')
    const {text, encoding} = decodeKb(gbk)
    expect(encoding).toBe('gb18030')
    expect(parseKb(text, 'csv').entries[0]).toMatchObject({id: 'x', question: '保修多久？', answer: '一年'})
    expect(csvRecords('a,b\n"1\n2",3\r\n4,"5""x"\n')).toEqual([
      {line: 1, fields: ['a', 'b']},
      {line: 2, fields: ['1\n2', '3']},
      {line: 4, fields: ['4', '5"x']},
    ])
  })

  it('stores versions: unchanged entries keep theirs, changed ones get the next, --replace retires the missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccx-kb-'))
    const store = await Store.open(join(dir, 'kb.duckdb'))
    try {
      const first = await importKb(store, readKbFile(sample), {file: sample})
      expect(first).toMatchObject({entries: 3, added: ['faq-001', 'faq-002', 'faq-003'], changed: [], unchanged: 0})
      const again = await importKb(store, readKbFile(sample), {file: sample})
      expect(again).toMatchObject({added: [], changed: [], unchanged: 3, retired: []})
      const edited = join(dir, 'kb.json')
      writeFileSync(
        edited,
        JSON.stringify([
          {
            id: 'faq-001',
            question: '打印机驱动在哪下载？',
            similar: ['驱动下载'],
            answer: '新的答案',
            category: 'support',
            scene: 'printer',
          },
          {
            id: 'faq-002',
            question: 'LBP2900支持Win11吗？',
            similar: ['2900 win11驱动'],
            answer: '支持，请选择 Windows 11 (64-bit) 驱动。',
            category: 'support',
            scene: 'lbp2900',
            links: [{kind: 'link', title: 'LBP2900 驱动', url: 'https://www.canon.com.cn/support/lbp2900'}],
          },
        ]),
      )
      const third = await importKb(store, readKbFile(edited), {file: edited, replace: true})
      expect(third).toMatchObject({added: [], changed: ['faq-001'], unchanged: 1, retired: ['faq-003']})
      const current = await currentEntries(store)
      expect(current.map((e) => [e.id, e.version])).toEqual([
        ['faq-001', 2],
        ['faq-002', 1],
      ])
      // the answer as it was in version 1 is still there
      const history = await entryVersions(store, 'faq-001')
      expect(history.map((v) => [v.version, v.answer.slice(0, 4)])).toEqual([
        [2, '新的答案'],
        [1, '在“驱动'],
      ])
      expect((await entryVersions(store, 'faq-003')).map((v) => [v.version, v.retired])).toEqual([
        [2, true],
        [1, false],
      ])
    } finally {
      await store.close()
    }
  })
})
