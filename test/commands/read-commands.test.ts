import {existsSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {ccx, ccxOk, tempDir} from '../helpers/cli.js'

// The commands that read the database outside the report runner keep the reports' contract: the one date parser
// (an impossible date is exit 2), a missing database is exit 5 naming it and nothing is created, and a usage mistake
// is exit 2, never an internal error.

const dir = tempDir('ccx-read-commands-')
afterAll(() => dir.cleanup())
const unwrap = (s: string) => s.replace(/\s*\n\s*›?\s*/g, ' ')

describe('commands that read the database outside the report runner', () => {
  it('assist phrases and suggest: an impossible date exits 2 naming it, before any database is opened', async () => {
    const db = join(dir.path, 'never-created.duckdb')
    for (const args of [
      ['assist', 'phrases', '--from', '2026-02-30'],
      ['assist', 'suggest', '打印机卡纸', '--to', '2026-13-01'],
      ['assist', 'phrases', '--from', 'last week'],
    ]) {
      const r = await ccx([...args, '--db', db])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2)
      expect(unwrap(r.stderr)).toMatch(/--(from|to) (2026-02-30|2026-13-01|last week) is not a (calendar )?date/)
    }
    expect(existsSync(db)).toBe(false)
  })

  it('a missing database is exit 5 naming the file, and nothing is created', async () => {
    const db = join(dir.path, 'typo.duckb')
    for (const args of [
      ['assist', 'phrases'],
      ['assist', 'suggest', 'hi'],
      ['kb', 'list'],
      ['bot', 'gaps'],
      ['bot', 'ask', 'hi'],
    ]) {
      const r = await ccx([...args, '--db', db, '--json'])
      expect(r.code, `${args.join(' ')}: ${r.stdout}`).toBe(5)
      expect(r.json().error.message, args.join(' ')).toBe(`database file not found: ${db}`)
    }
    expect(existsSync(db)).toBe(false)
  })

  it('scripts hits without a call id and without --all is a usage error (exit 2)', async () => {
    const r = await ccx(['scripts', 'hits', '--db', join(dir.path, 'none.duckdb'), '--json'])
    expect(r.code).toBe(2)
    expect(r.json().error).toMatchObject({code: 'BAD_USAGE', message: 'give a call id, or --all for every stored hit'})
  })

  it('scripts hits of one call refuses --from/--to/--site (they select the calls of --all) instead of ignoring them', async () => {
    const r = await ccx(['scripts', 'hits', 'T0000001', '--from', '2026-02-30', '--db', join(dir.path, 'none.duckdb'), '--json'])
    expect(r.code).toBe(2)
    expect(r.json().error).toMatchObject({code: 'BAD_USAGE', message: '--from select the calls of --all; one call (T0000001) has no range'})
  })

  it('assist --from/--to take days as the reports do: --to includes its whole day', async () => {
    // hand-written: two conversations on 1 March (the second one minute before midnight), one on 2 March
    const chat = (id: string, at: string, replies: string[]) => ({
      conversation_id: id,
      channel: 'web',
      queue: 'support',
      agent_id: 'a1',
      requested_at: at,
      messages: [
        {seq: 1, ts: at, sender_type: 'visitor', text: '打印机卡纸怎么办'},
        ...replies.map((text, i) => ({seq: i + 2, ts: at, sender_type: 'agent', text})),
      ],
    })
    const file = join(dir.path, 'chats.ndjson')
    const lines = [
      chat('m1', '2026-03-01 09:00:00', ['您好', '请打开后盖']),
      chat('m2', '2026-03-01 23:59:00', ['您好', '请取出卡住的纸', '不客气']),
      chat('m3', '2026-03-02 10:00:00', ['您好']),
    ]
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
    const db = join(dir.path, 'chats.duckdb')
    await ccxOk(['ingest', 'chats', file, '--db', db])
    const replies = async (range: string[]) => {
      const r = await ccxOk(['assist', 'phrases', '--min-count', '1', '--db', db, '--json', ...range])
      return r.json().groups.map((g: {group: string; replies: number}) => [g.group, g.replies])
    }
    expect(await replies([])).toEqual([['support', 6]])
    expect(await replies(['--to', '2026-03-01'])).toEqual([['support', 5]])
    expect(await replies(['--from', '2026-03-02', '--to', '2026-03-02'])).toEqual([['support', 1]])
    expect(await replies(['--from', '2026-03-01 12:00'])).toEqual([['support', 4]])
  })
})
