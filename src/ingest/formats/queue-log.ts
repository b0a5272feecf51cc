/**
 * Asterisk's queue_log (docs.asterisk.org, Operation › Logging › Queue Logs): one event per line,
 * `epoch|callid|queuename|agent|event|data1|data2|...`. This module turns the events into calls (one row per queue
 * entry) and agent state intervals — pure, so the rules are tested on hand-written logs.
 *
 * Calls: ENTERQUEUE opens an entry (data2 = caller id); CONNECT answers it (the agent is the member field);
 * COMPLETECALLER, COMPLETEAGENT, TRANSFER, BLINDTRANSFER, ATTENDEDTRANSFER end an answered call; ABANDON and
 * EXITWITHKEY end it abandoned, EXITWITHTIMEOUT with no answer, EXITEMPTY, SYSCOMPAT and AGENTDUMP as failed.
 * An entry without an end yet (the call is still in the queue or talking when the file was copied) is not loaded:
 * it is counted `in progress` and loads when the grown file is ingested again. A call entering a second queue gets
 * `callid#2`.
 *
 * Agent states: logged in while a member of a queue (ADDMEMBER / REMOVEMEMBER) or logged in as an agent
 * (AGENTLOGIN / AGENTLOGOFF, AGENTCALLBACKLOGIN / AGENTCALLBACKLOGOFF); `talk` from CONNECT to the end of the call;
 * `break` while paused (PAUSEALL, or PAUSE in every queue the member is in, until UNPAUSE / UNPAUSEALL); else
 * `available`. The log has no wrap-up time. An interval still open at the end of the file is not emitted (it is
 * complete once a later event ends it).
 */

export interface QueueLogEvent {
  line: number
  epoch: number
  callid: string
  queue: string
  agent: string
  event: string
  data: string[]
}

export interface QueueLogCall {
  line: number
  call_id: string
  queue: string
  agent_id: string | null
  phone: string | null
  /** Epoch seconds (UTC). */
  offered_at: number
  answered_at: number | null
  ended_at: number
  disposition: 'answered' | 'abandoned' | 'no_answer' | 'failed'
  /** The event that ended the entry. */
  end_event: string
}

export interface AgentInterval {
  line: number
  agent_id: string
  state: 'available' | 'talk' | 'break'
  started_at: number
  ended_at: number
}

export interface QueueLogResult {
  calls: QueueLogCall[]
  states: AgentInterval[]
  /** Queue entries without an end event yet. */
  inProgress: number
  bad: Array<{line: number; reason: string; raw: string}>
}

const ANSWERED_END = new Set(['COMPLETECALLER', 'COMPLETEAGENT', 'TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER'])
const UNANSWERED_END: Record<string, QueueLogCall['disposition']> = {
  ABANDON: 'abandoned',
  EXITWITHKEY: 'abandoned',
  EXITWITHTIMEOUT: 'no_answer',
  EXITEMPTY: 'failed',
  SYSCOMPAT: 'failed',
  AGENTDUMP: 'failed',
}
const LOGIN = new Set(['AGENTLOGIN', 'AGENTCALLBACKLOGIN'])
const LOGOFF = new Set(['AGENTLOGOFF', 'AGENTCALLBACKLOGOFF'])

/** One line → an event, or why it is not one. */
export function parseQueueLogLine(text: string, line: number): QueueLogEvent | {bad: string} | null {
  if (text.trim() === '') return null
  const parts = text.split('|')
  if (parts.length < 5)
    return {bad: `bad_log_line: ${parts.length} fields, a queue_log line has at least 5 (epoch|callid|queue|agent|event)`}
  const epoch = Number(parts[0])
  if (!/^\d+(\.\d+)?$/.test(parts[0]!.trim()) || !Number.isFinite(epoch))
    return {bad: `bad_timestamp: "${parts[0]}" is not a UNIX time (seconds)`}
  const event = parts[4]!.trim()
  if (!/^[A-Z_]+$/.test(event)) return {bad: `bad_log_line: "${event}" is not a queue_log event name`}
  return {line, epoch, callid: parts[1]!.trim(), queue: parts[2]!.trim(), agent: parts[3]!.trim(), event, data: parts.slice(5)}
}

export function queueLogToRecords(events: QueueLogEvent[]): Omit<QueueLogResult, 'bad'> {
  const sorted = [...events].sort((a, b) => a.epoch - b.epoch || a.line - b.line)
  const calls: QueueLogCall[] = []
  const open = new Map<string, Omit<QueueLogCall, 'ended_at' | 'disposition' | 'end_event'> & {ended_at?: number}>()
  const entries = new Map<string, number>()

  interface AgentState {
    loggedIn: boolean
    queues: Set<string>
    paused: Set<string>
    pausedAll: boolean
    inCall: number
    state: AgentInterval['state'] | 'offline'
    since: number
    line: number
  }
  const agents = new Map<string, AgentState>()
  const states: AgentInterval[] = []
  const agentOf = (name: string): AgentState => {
    let a = agents.get(name)
    if (!a) {
      a = {loggedIn: false, queues: new Set(), paused: new Set(), pausedAll: false, inCall: 0, state: 'offline', since: 0, line: 0}
      agents.set(name, a)
    }
    return a
  }
  const update = (name: string, at: number, line: number) => {
    const a = agentOf(name)
    const on = a.loggedIn || a.queues.size > 0
    const paused = a.pausedAll || (a.queues.size > 0 && [...a.queues].every((q) => a.paused.has(q)))
    const next: AgentState['state'] = !on && a.inCall === 0 ? 'offline' : a.inCall > 0 ? 'talk' : paused ? 'break' : 'available'
    if (next === a.state) return
    if (a.state !== 'offline' && at > a.since)
      states.push({line: a.line, agent_id: name, state: a.state, started_at: a.since, ended_at: at})
    a.state = next
    a.since = at
    a.line = line
  }
  const hasAgent = (e: QueueLogEvent) => e.agent !== '' && e.agent !== 'NONE'

  for (const e of sorted) {
    const callKey = e.callid
    if (e.event === 'ENTERQUEUE' && callKey !== 'NONE' && callKey !== 'REALTIME') {
      const n = (entries.get(callKey) ?? 0) + 1
      entries.set(callKey, n)
      open.set(callKey, {
        line: e.line,
        call_id: n === 1 ? callKey : `${callKey}#${n}`,
        queue: e.queue,
        agent_id: null,
        phone: e.data[1]?.trim() || null,
        offered_at: e.epoch,
        answered_at: null,
      })
      continue
    }
    const call = open.get(callKey)
    if (e.event === 'CONNECT') {
      if (call) {
        call.answered_at = e.epoch
        call.agent_id = hasAgent(e) ? e.agent : null
      }
      if (hasAgent(e)) {
        agentOf(e.agent).inCall++
        update(e.agent, e.epoch, e.line)
      }
      continue
    }
    if (ANSWERED_END.has(e.event) || e.event in UNANSWERED_END) {
      if (call) {
        calls.push({
          ...call,
          ended_at: e.epoch,
          disposition: call.answered_at !== null ? 'answered' : (UNANSWERED_END[e.event] ?? 'abandoned'),
          end_event: e.event,
        })
        open.delete(callKey)
      }
      if (ANSWERED_END.has(e.event) && hasAgent(e)) {
        const a = agentOf(e.agent)
        a.inCall = Math.max(0, a.inCall - 1)
        update(e.agent, e.epoch, e.line)
      }
      continue
    }
    if (!hasAgent(e)) continue
    const a = agentOf(e.agent)
    if (e.event === 'ADDMEMBER') a.queues.add(e.queue)
    else if (e.event === 'REMOVEMEMBER') {
      a.queues.delete(e.queue)
      a.paused.delete(e.queue)
    } else if (LOGIN.has(e.event)) a.loggedIn = true
    else if (LOGOFF.has(e.event)) a.loggedIn = false
    else if (e.event === 'PAUSE') {
      if (e.queue === 'NONE' || e.queue === '') a.pausedAll = true
      else a.paused.add(e.queue)
    } else if (e.event === 'UNPAUSE') {
      if (e.queue === 'NONE' || e.queue === '') {
        a.pausedAll = false
        a.paused.clear()
      } else a.paused.delete(e.queue)
    } else if (e.event === 'PAUSEALL') a.pausedAll = true
    else if (e.event === 'UNPAUSEALL') {
      a.pausedAll = false
      a.paused.clear()
    } else continue
    update(e.agent, e.epoch, e.line)
  }
  calls.sort((a, b) => a.line - b.line)
  states.sort((a, b) => a.started_at - b.started_at || a.agent_id.localeCompare(b.agent_id))
  return {calls, states, inProgress: open.size}
}
