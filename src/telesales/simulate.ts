import type {Library} from './library.js'
import {createRng, randomInt, type Rng} from '../stats/random.js'

/**
 * Seeded generator of outbound telesales calls and ASR-like transcripts built from a script library,
 * with a known truth: in `planted` mode success depends on saying the `planted` scripts; in
 * `independent` mode it does not depend on any script. Used by tests and bench/scripts.mjs.
 */
export interface SimulateOptions {
  calls: number
  seed: number
  mode: 'planted' | 'independent'
  /** Scripts that raise the odds of a sale (planted mode); default: obj_price_value, close_assumptive. */
  planted?: string[]
  agents?: number
  campaigns?: string[]
  /** Sale probability of a call that says none of the planted scripts. */
  baseRate?: number
  /** Log-odds added per planted script said. */
  effect?: number
  /** Per-character ASR error rate. */
  noise?: number
  /** Share of calls in English. */
  englishShare?: number
  start?: string
}

export interface SimCall {
  call_id: string
  site: string
  direction: 'outbound'
  queue: string
  agent_id: string
  customer_id: string
  offered_at: string
  answered_at: string
  ended_at: string
  disposition: 'answered'
  outcome: 'sale' | 'no_sale' | 'callback'
  campaign: string
}

export interface SimTurn {
  call_id: string
  turn_no: number
  speaker: 'agent' | 'customer'
  start_ms: number
  end_ms: number
  text: string
  confidence: number
  /** The script the line was made from (agent lines), for training and checking a detector. */
  script?: string
}

export interface Simulated {
  calls: SimCall[]
  turns: SimTurn[]
  planted: string[]
  /** Scripts each call truly said (call_id → script ids). */
  said: Map<string, string[]>
}

const CUSTOMER_LINES: Record<string, {zh: string[]; en: string[]}> = {
  greeting: {zh: ['喂，你好', '嗯，什么事', '你好，哪位'], en: ['Hello, who is this?', 'Yes, speaking']},
  introduction: {zh: ['哦，这样啊', '嗯嗯，你说', '是什么样的产品'], en: ['I see', 'Go on']},
  needs: {
    zh: ['主要是打印孩子的作业', '一个月大概一两百页吧', '家里用的是别的牌子', '预算两千左右'],
    en: ['Mostly documents for work', 'Maybe two hundred pages a month'],
  },
  objection: {
    zh: ['太贵了吧，别家便宜多了', '我再考虑考虑', '我已经有别的牌子的了', '这个牌子靠谱吗'],
    en: ['That is too expensive', 'I need to think about it', 'I already have another brand'],
  },
  closing: {
    zh: ['好的，那就要一台吧', '我再想想吧', '地址就寄到公司吧', '先不用了'],
    en: ['Okay, I will take one', 'Let me think about it'],
  },
}

const CONFUSABLE = '的地得在再做作以已是事市式佳家加能呢那哪打大达印因音机几级相象像'
const FILLERS = ['嗯，', '那个，', '呃，', '就是说，']

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[randomInt(rng, items.length)]
}

/** Typos, dropped characters and fillers, roughly as ASR makes them. */
export function addAsrNoise(rng: Rng, text: string, rate: number): string {
  let out = ''
  for (const ch of text) {
    const r = rng()
    if (r < rate * 0.5) out += /[a-z]/i.test(ch) ? String.fromCharCode(97 + randomInt(rng, 26)) : pick(rng, [...CONFUSABLE])
    else if (r < rate * 0.8) continue
    else if (r < rate) out += ch + ch
    else out += ch
  }
  return rng() < 0.2 && /[\u4e00-\u9fff]/.test(text) ? pick(rng, FILLERS) + out : out
}

function isEnglish(text: string): boolean {
  return !/[\u4e00-\u9fff]/.test(text)
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

export function formatTs(ms: number): string {
  const d = new Date(ms)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
}

export function simulateCalls(library: Library, options: SimulateOptions): Simulated {
  const rng = createRng(options.seed)
  const planted = options.mode === 'planted' ? (options.planted ?? ['obj_price_value', 'close_assumptive']) : []
  for (const id of planted) if (!library.scripts.some((s) => s.id === id)) throw new Error(`planted script ${id} is not in the library`)
  const agentCount = options.agents ?? 12
  const campaigns = options.campaigns ?? ['spring-printer', 'camera-upgrade']
  const baseRate = options.baseRate ?? 0.12
  const effect = options.effect ?? 1.5
  const noise = options.noise ?? 0.04
  const englishShare = options.englishShare ?? 0.15
  const startMs = Date.parse(`${(options.start ?? '2026-03-02 09:00:00').replace(' ', 'T')}Z`)
  // Each agent has a habit per script: how likely they are to say it when in its stage.
  const habits = Array.from({length: agentCount}, () => library.scripts.map(() => 0.15 + rng() * 0.5))
  const calls: SimCall[] = []
  const turns: SimTurn[] = []
  const said = new Map<string, string[]>()
  const baseLogit = Math.log(baseRate / (1 - baseRate))
  let customerNo = 0
  let callNo = 0
  let clock = startMs
  while (callNo < options.calls) {
    customerNo++
    const customer = `C${String(customerNo).padStart(6, '0')}`
    const campaign = pick(rng, campaigns)
    const attempts = 1 + randomInt(rng, 4)
    for (let attempt = 0; attempt < attempts && callNo < options.calls; attempt++) {
      callNo++
      const callId = `T${String(callNo).padStart(7, '0')}`
      const agent = randomInt(rng, agentCount)
      const english = rng() < englishShare
      const lines: Array<{speaker: 'agent' | 'customer'; text: string; script?: string}> = []
      const callSaid: string[] = []
      for (const stage of library.stages) {
        if (rng() < (stage.index === 0 ? 0.05 : 0.12)) continue // a missing stage
        const candidates = library.scripts.filter(
          (s) => s.stage === stage.id && !s.consequence && s.speaker === 'agent' && s.id !== 'close_thanks',
        )
        let chosen = candidates.filter((s) => rng() < habits[agent][s.index])
        if (chosen.length === 0 && candidates.length > 0) chosen = [pick(rng, candidates)]
        for (const script of chosen) {
          const phrasings = script.phrasings.filter((p) => isEnglish(p) === english)
          const text = pick(rng, phrasings.length > 0 ? phrasings : script.phrasings)
          lines.push({speaker: 'agent', text: addAsrNoise(rng, text, noise), script: script.id})
          callSaid.push(script.id)
          const replies = CUSTOMER_LINES[stage.id]
          if (replies && rng() < 0.8)
            lines.push({speaker: 'customer', text: addAsrNoise(rng, pick(rng, english ? replies.en : replies.zh), noise)})
        }
      }
      const plantedSaid = planted.filter((id) => callSaid.includes(id)).length
      const logit = baseLogit + effect * plantedSaid
      const sale = rng() < 1 / (1 + Math.exp(-logit))
      const confirm = library.scripts.find((s) => s.consequence)
      if (sale && confirm) {
        const phrasings = confirm.phrasings.filter((p) => isEnglish(p) === english)
        lines.push({
          speaker: 'agent',
          text: addAsrNoise(rng, pick(rng, phrasings.length > 0 ? phrasings : confirm.phrasings), noise),
          script: confirm.id,
        })
        callSaid.push(confirm.id)
      }
      const thanks = library.scripts.find((s) => s.id === 'close_thanks')
      if (thanks && rng() < 0.7) {
        const phrasings = thanks.phrasings.filter((p) => isEnglish(p) === english)
        lines.push({speaker: 'agent', text: pick(rng, phrasings.length > 0 ? phrasings : thanks.phrasings), script: thanks.id})
        callSaid.push(thanks.id)
      }
      let offset = 0
      lines.forEach((line, k) => {
        const duration = 1500 + Math.round(rng() * 4000)
        turns.push({
          call_id: callId,
          turn_no: k + 1,
          speaker: line.speaker,
          start_ms: offset,
          end_ms: offset + duration,
          text: line.text,
          confidence: Math.round((0.75 + rng() * 0.24) * 100) / 100,
          ...(line.script ? {script: line.script} : {}),
        })
        offset += duration + 300
      })
      clock += 20_000 + Math.round(rng() * 120_000)
      calls.push({
        call_id: callId,
        site: 'canon-cn',
        direction: 'outbound',
        queue: 'telesales',
        agent_id: `A${String(agent + 1).padStart(3, '0')}`,
        customer_id: customer,
        offered_at: formatTs(clock),
        answered_at: formatTs(clock + 8000),
        ended_at: formatTs(clock + 8000 + offset),
        disposition: 'answered',
        outcome: sale ? 'sale' : rng() < 0.3 ? 'callback' : 'no_sale',
        campaign,
      })
      said.set(callId, callSaid)
      if (sale) break
    }
  }
  return {calls, turns, planted, said}
}

const CALL_COLUMNS = [
  'call_id',
  'site',
  'direction',
  'queue',
  'agent_id',
  'customer_id',
  'offered_at',
  'answered_at',
  'ended_at',
  'disposition',
  'outcome',
  'campaign',
] as const
const TURN_COLUMNS = ['call_id', 'turn_no', 'speaker', 'start_ms', 'end_ms', 'text', 'confidence'] as const

function csvField(v: unknown): string {
  const s = String(v ?? '')
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

/** The canonical calls.csv / transcripts.csv layouts. */
export function toCsv(sim: Simulated): {callsCsv: string; transcriptsCsv: string} {
  const callsCsv = [CALL_COLUMNS.join(','), ...sim.calls.map((c) => CALL_COLUMNS.map((k) => csvField(c[k])).join(','))].join('\n') + '\n'
  const transcriptsCsv =
    [TURN_COLUMNS.join(','), ...sim.turns.map((t) => TURN_COLUMNS.map((k) => csvField(t[k])).join(','))].join('\n') + '\n'
  return {callsCsv, transcriptsCsv}
}

/** Labelled utterances (call_id, turn, speaker, text, label) of simulated calls: training data for the bench's model. */
export function toLabelledCsv(sim: Simulated): string {
  const rows = sim.turns.map((t) => [t.call_id, t.turn_no, t.speaker, t.text, t.script ?? ''].map(csvField).join(','))
  return ['call_id,turn,speaker,text,label', ...rows].join('\n') + '\n'
}
