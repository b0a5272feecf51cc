import {createWriteStream, readFileSync} from 'node:fs'
import {once} from 'node:events'
import {join} from 'node:path'
import {CcxError, EXIT} from '../../errors.js'
import {firstLine, readHead, splitCsvLine} from '../detect.js'
import {csvCell, readRawLines} from '../lines.js'
import {OFFSET_TS_RE, type CsvInput} from '../load.js'
import {emptyMapping, type FieldMapping, type Mapping} from '../mapping.js'
import type {JsQuarantineRow} from '../readers.js'
import {parseQueueLogLine, queueLogToRecords, type QueueLogEvent} from './queue-log.js'

/**
 * Telephony logs ccx reads as they are (`--format`), each following its own documentation (docs/formats.md):
 * Asterisk's queue_log, Asterisk's CDR Master.csv (cdr_csv), FreeSWITCH's mod_cdr_csv default template and its JSON
 * CDRs (mod_json_cdr). Each becomes a CSV input plus a base mapping; the user's --map / --map-file go on top.
 */
export const TELEPHONY_FORMATS = [
  'asterisk-queue-log',
  'asterisk-cdr',
  'freeswitch-cdr',
  'freeswitch-cdr-csv',
  'freeswitch-cdr-json',
] as const
export type TelephonyFormat = (typeof TELEPHONY_FORMATS)[number]

export function isTelephonyFormat(f: string | undefined): f is TelephonyFormat {
  return (TELEPHONY_FORMATS as readonly string[]).includes(f ?? '')
}

export interface Prepared {
  input: CsvInput
  /** The format's mapping; the user's goes on top of it. */
  mapping: Mapping
  /** Lines the format reader refused (with their line numbers). */
  quarantine: JsQuarantineRow[]
  /** Rows the reader held back, by reason (queue_log calls still in progress). */
  filtered: Record<string, number>
  /** Agent state intervals to load into raw_agent_states (queue_log). */
  states?: CsvInput
  /** Shown in `--dry-run` and named when a required field is missing. */
  note?: string
}

const ORIGIN = (f: string) => `--format ${f}`
const col = (column: string, origin: string): FieldMapping & {origin: string} => ({kind: 'column', column, origin})
const expr = (e: string, origin: string): FieldMapping & {origin: string} => ({kind: 'expr', expr: e, origin})

/** cdr_csv's columns (cdr/cdr_csv.c build_csv_record): 16, then uniqueid and userfield, then peeraccount, linkedid, sequence. */
export const ASTERISK_CDR_COLUMNS = [
  'accountcode',
  'src',
  'dst',
  'dcontext',
  'clid',
  'channel',
  'dstchannel',
  'lastapp',
  'lastdata',
  'start',
  'answer',
  'end',
  'duration',
  'billsec',
  'disposition',
  'amaflags',
  'uniqueid',
  'userfield',
  'peeraccount',
  'linkedid',
  'sequence',
]

/** mod_cdr_csv's "example" template (conf/vanilla cdr_csv.conf.xml); its built-in default stops after accountcode. */
export const FREESWITCH_CDR_COLUMNS = [
  'caller_id_name',
  'caller_id_number',
  'destination_number',
  'context',
  'start_stamp',
  'answer_stamp',
  'end_stamp',
  'duration',
  'billsec',
  'hangup_cause',
  'uuid',
  'bleg_uuid',
  'accountcode',
  'read_codec',
  'write_codec',
]

const FS_DISPOSITION = `case when nullif(trim(answer_stamp), '') is not null then 'answered'
  when hangup_cause in ('NO_ANSWER', 'NO_USER_RESPONSE', 'ALLOTTED_TIMEOUT') then 'no_answer'
  when hangup_cause = 'USER_BUSY' then 'busy'
  when hangup_cause = 'ORIGINATOR_CANCEL' then 'abandoned' else 'failed' end`

const DIRECTION_NOTE = (f: string, example: string) =>
  `${f} records have no call direction: give it, e.g. --map "direction='inbound'", or an expression in --map-file: {"direction": {"expr": "${example}"}}`

function freeswitchMapping(origin: string): Mapping {
  const m = emptyMapping()
  m.fields = {
    call_id: col('uuid', origin),
    phone: col('caller_id_number', origin),
    offered_at: col('start_stamp', origin),
    answered_at: col('answer_stamp', origin),
    ended_at: col('end_stamp', origin),
    disposition: expr(FS_DISPOSITION, origin),
  }
  return m
}

function headerless(file: string, format: string, names: string[], counts: number[], path: string, newline: '\n' | '\r\n'): CsvInput {
  const sample = readHead(path, 1 << 20).toString('utf8')
  const n = splitCsvLine(firstLine(sample), ',').length
  if (!counts.includes(n)) {
    throw new CcxError(
      `${file}: the first line has ${n} fields; --format ${format} expects ${counts.join(' or ')} (${names.slice(0, Math.max(...counts)).join(', ')})`,
      {
        code: 'BAD_FORMAT',
        exit: EXIT.badInput,
        suggestions: ['For another column layout, load it as CSV with a header and a --map-file.'],
      },
    )
  }
  return {
    path,
    delimiter: ',',
    newline,
    header: names.slice(0, n),
    hasHeader: false,
    premapped: false,
    lineColumn: false,
    offsets: OFFSET_TS_RE.test(sample),
  }
}

/** `%2D` escapes of mod_json_cdr's encode-values (its default). */
function decodeValue(v: unknown): string {
  if (v === null || v === undefined) return ''
  const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v)
  if (!/%[0-9A-Fa-f]{2}/.test(s)) return s
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    return s
  }
}

const FS_JSON_COLUMNS = [...FREESWITCH_CDR_COLUMNS.slice(0, 13), 'fs_direction', 'start_epoch', 'answer_epoch', 'end_epoch']

async function writeCsv(path: string, header: string[], rows: Iterable<string[]>): Promise<void> {
  const out = createWriteStream(path)
  out.write(header.map(csvCell).join(',') + '\n')
  for (const r of rows) if (!out.write(r.map(csvCell).join(',') + '\n')) await once(out, 'drain')
  out.end()
  await once(out, 'finish')
}

/**
 * Prepares a telephony file (already UTF-8 with LF or CRLF line ends) for the CSV loader. `userMapping` is consulted
 * for the extra FreeSWITCH variables it names.
 */
export async function prepareTelephony(
  format: TelephonyFormat,
  file: string,
  path: string,
  tmp: string,
  newline: '\n' | '\r\n',
  userMapping: Mapping,
): Promise<Prepared> {
  const origin = ORIGIN(format)
  if (format === 'freeswitch-cdr') {
    const head = readHead(path, 4096).toString('utf8').trimStart()
    format = head.startsWith('{') || head.startsWith('[') ? 'freeswitch-cdr-json' : 'freeswitch-cdr-csv'
  }
  if (format === 'asterisk-cdr') {
    const input = headerless(file, format, ASTERISK_CDR_COLUMNS, [16, 17, 18, 21], path, newline)
    const m = emptyMapping()
    m.fields = {
      call_id: input.header.includes('uniqueid') ? col('uniqueid', origin) : expr(`channel || '@' || "start"`, origin),
      phone: col('src', origin),
      agent_id: expr(`nullif(regexp_replace(dstchannel, '-[0-9a-f]{8}(;[0-9])?$', ''), '')`, origin),
      offered_at: col('start', origin),
      answered_at: expr(`case when disposition = 'ANSWERED' then "answer" end`, origin),
      ended_at: col('end', origin),
      disposition: {
        kind: 'column',
        column: 'disposition',
        values: {ANSWERED: 'answered', 'NO ANSWER': 'no_answer', BUSY: 'busy', FAILED: 'failed', CONGESTION: 'failed'},
        origin,
      },
    }
    return {
      input,
      mapping: m,
      quarantine: [],
      filtered: {},
      note: DIRECTION_NOTE(format, "case when dcontext = 'from-internal' then 'outbound' else 'inbound' end"),
    }
  }
  if (format === 'freeswitch-cdr-csv') {
    const input = headerless(file, format, FREESWITCH_CDR_COLUMNS, [13, 15], path, newline)
    return {
      input,
      mapping: freeswitchMapping(origin),
      quarantine: [],
      filtered: {},
      note: DIRECTION_NOTE(format, "case when context = 'public' then 'inbound' else 'outbound' end"),
    }
  }
  if (format === 'freeswitch-cdr-json') {
    // One CDR per file (mod_json_cdr's log-dir) or one per line.
    const named = new Set<string>()
    for (const m of Object.values(userMapping.fields)) {
      if (m.kind === 'column') named.add(m.column)
      if (m.kind === 'expr') for (const w of m.expr.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) named.add(w)
    }
    const quarantine: JsQuarantineRow[] = []
    const records: Array<{line: number; value: unknown; raw: string}> = []
    const whole = readFileSync(path, 'utf8').replace(/^\uFEFF/, '')
    let single: unknown
    try {
      single = JSON.parse(whole)
    } catch {
      single = undefined
    }
    if (single !== undefined) (Array.isArray(single) ? single : [single]).forEach((value, i) => records.push({line: i + 1, value, raw: ''}))
    else
      for await (const l of readRawLines(path, 2 << 20)) {
        const text = l.bytes.toString('utf8').trim()
        if (text === '') continue
        try {
          records.push({line: l.line, value: JSON.parse(text), raw: text})
        } catch (error) {
          quarantine.push({line: l.line, field: null, reason: `bad_json: ${(error as Error).message}`, raw: text.slice(0, 65536)})
        }
      }
    const extra = [...named].filter((k) => !FS_JSON_COLUMNS.includes(k))
    const header = ['__line', ...FS_JSON_COLUMNS, ...extra]
    const rows: string[][] = []
    for (const r of records) {
      const o = r.value as {variables?: Record<string, unknown>; channel_data?: Record<string, unknown>}
      if (!o || typeof o !== 'object' || !o.variables || typeof o.variables !== 'object') {
        quarantine.push({
          line: r.line,
          field: null,
          reason: 'bad_json: not a FreeSWITCH JSON CDR (no "variables" object)',
          raw: (r.raw || JSON.stringify(r.value)).slice(0, 65536),
        })
        continue
      }
      const v = o.variables
      const cell = (k: string) => (k === 'fs_direction' ? decodeValue(v.direction ?? o.channel_data?.direction) : decodeValue(v[k]))
      rows.push([String(r.line), ...FS_JSON_COLUMNS.map(cell), ...extra.map(cell)])
    }
    const out = join(tmp, 'freeswitch.csv')
    await writeCsv(out, header, rows)
    return {
      input: {
        path: out,
        delimiter: ',',
        newline: '\n',
        header,
        hasHeader: true,
        premapped: false,
        lineColumn: true,
        offsets: OFFSET_TS_RE.test(readHead(out).toString('utf8')),
      },
      mapping: freeswitchMapping(origin),
      quarantine,
      filtered: {},
      note: `${DIRECTION_NOTE(format, "case when context = 'public' then 'inbound' else 'outbound' end")} (the CDR's own "direction" is FreeSWITCH's view of the leg: column fs_direction)`,
    }
  }
  // asterisk-queue-log
  const events: QueueLogEvent[] = []
  const quarantine: JsQuarantineRow[] = []
  for await (const l of readRawLines(path, 2 << 20)) {
    const text = l.bytes.toString('utf8')
    const e = parseQueueLogLine(text, l.line)
    if (e === null) continue
    if ('bad' in e) quarantine.push({line: l.line, field: null, reason: e.bad, raw: text.slice(0, 65536)})
    else events.push(e)
  }
  const {calls, states, inProgress} = queueLogToRecords(events)
  const callsPath = join(tmp, 'queue_log_calls.csv')
  const callHeader = [
    '__line',
    'call_id',
    'direction',
    'queue',
    'agent_id',
    'phone',
    'offered_at',
    'answered_at',
    'ended_at',
    'disposition',
  ]
  await writeCsv(
    callsPath,
    callHeader,
    calls.map((c) => [
      String(c.line),
      c.call_id,
      'inbound',
      c.queue,
      c.agent_id ?? '',
      c.phone ?? '',
      String(c.offered_at),
      c.answered_at === null ? '' : String(c.answered_at),
      String(c.ended_at),
      c.disposition,
    ]),
  )
  const statesPath = join(tmp, 'queue_log_states.csv')
  const stateHeader = ['__line', 'agent_id', 'state', 'started_at', 'ended_at']
  await writeCsv(
    statesPath,
    stateHeader,
    states.map((s) => [String(s.line), s.agent_id, s.state, String(s.started_at), String(s.ended_at)]),
  )
  const m = emptyMapping()
  m.tsFormat = 'epoch'
  const canonical = (p: string, header: string[]): CsvInput => ({
    path: p,
    delimiter: ',',
    newline: '\n',
    header,
    hasHeader: true,
    premapped: false,
    lineColumn: true,
    offsets: false,
  })
  return {
    input: canonical(callsPath, callHeader),
    mapping: m,
    quarantine,
    filtered: inProgress > 0 ? {'in progress (no end event yet)': inProgress} : {},
    states: canonical(statesPath, stateHeader),
  }
}
