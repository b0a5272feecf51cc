import {createHash} from 'node:crypto'
import type {LoadedConfig} from '../config/load.js'
import {resolveFrom} from '../config/locate.js'
import type {ServeConfig, AgentConfig} from '../config/serve.js'
import type {Directive, Responder, ResponderAnswer} from './types.js'
import type {VisitorState} from './state.js'
import type {ProbeBatch, ProbeEventIn} from '../vocab/probe-batch.js'

const VISIT_GAP_MS = 30 * 60 * 1000

/** A bounded memo: millions of requests share thousands of referrers, addresses and user agents. */
export function memo<T>(fn: (key: string) => T, max = 50_000): (key: string) => T {
  const cache = new Map<string, T>()
  return (key: string) => {
    let v = cache.get(key)
    if (v === undefined && !cache.has(key)) {
      v = fn(key)
      if (cache.size >= max) cache.delete(cache.keys().next().value as string)
      cache.set(key, v)
    }
    return v as T
  }
}

/** Site-local wall-clock time, as the ingest expects: `YYYY-MM-DD HH:MM:SS.mmm`. */
export function localTimestamp(ms: number, timeZone: string): string {
  // Intl formatting costs microseconds: format each second once per zone (the hot path answers thousands a second).
  const second = Math.floor(ms / 1000)
  let cached = lastSecond.get(timeZone)
  if (!cached || cached.second !== second) {
    const parts = localFormatter(timeZone).formatToParts(new Date(second * 1000))
    const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00'
    const hour = get('hour') === '24' ? '00' : get('hour')
    cached = {second, text: `${get('year')}-${get('month')}-${get('day')} ${hour}:${get('minute')}:${get('second')}`}
    lastSecond.set(timeZone, cached)
  }
  return `${cached.text}.${String(ms - second * 1000).padStart(3, '0')}`
}
const lastSecond = new Map<string, {second: number; text: string}>()
const formatters = new Map<string, Intl.DateTimeFormat>()
function localFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** Picks the agent for a route: the least-loaded agent of the group under its concurrency cap. */
export function pickAgent(agents: AgentConfig[], loads: Map<string, number>, filter: (a: AgentConfig) => boolean): AgentConfig | undefined {
  let best: AgentConfig | undefined
  for (const a of agents) {
    if (!filter(a)) continue
    const load = loads.get(a.id) ?? 0
    if (load >= a.maxConcurrent) continue
    if (!best || load < (loads.get(best.id) ?? 0)) best = a
  }
  return best
}

/**
 * The realtime side of visitor intelligence: the same parsers, intent classifier and scenario engine as the batch
 * pipelines (imported, not copied), cached per distinct value.
 */
export async function createResponder(
  config: LoadedConfig,
  serve: ServeConfig,
  options: {agentLoads?: (ids: string[]) => Promise<Map<string, number>>; agentLoadsSync?: (ids: string[]) => Map<string, number>} = {},
): Promise<Responder> {
  const {classifyReferrer} = await import('../enrich/referrer.js')
  const {lookupIp} = await import('../enrich/ip.js')
  const {parseUserAgent} = await import('../enrich/ua.js')
  const {loadIntents} = await import('../enrich/intent/file.js')
  const {makeClassifier, classify} = await import('../enrich/intent/classify.js')
  const {loadScenariosFile, loadDirectory, defaultScenariosPath, defaultDirectoryPath} = await import('../scenarios/load.js')
  const {compileScenarios, evaluate, emptyState} = await import('../scenarios/engine.js')

  const files = config.config.files
  const intents = loadIntents(files.intents ? resolveFrom(config.baseDir, files.intents) : undefined)
  const classifier = makeClassifier(intents.file, intents.model)
  const scenarios = loadScenariosFile(files.scenarios ? resolveFrom(config.baseDir, files.scenarios) : defaultScenariosPath(), {
    knownIntents: intents.file.intents.map((i) => i.id),
  })
  const directory = loadDirectory(files.directory ? resolveFrom(config.baseDir, files.directory) : defaultDirectoryPath())
  const compiled = compileScenarios(scenarios, directory)
  const surveys = await (await import('./surveys.js')).createSurveyPicker(config, scenarios)
  const timeZone = config.config.timezone
  const agents = serve.agents
  const agentIds = agents.map((a) => a.id)

  const geo = memo((ip: string) => lookupIp(ip))
  const siteDomains = config.config.sites.map((s) => s.domain).filter((d): d is string => Boolean(d))
  // the same object in every directive of a site (serialized as is: no per-request allocation)
  const themes = new Map(config.config.sites.flatMap((s) => (s.brandColor ? [[s.id, {color: s.brandColor}] as const] : [])))
  // Memo keys are built by concatenation with length prefixes (unambiguous, cheaper than JSON.stringify per request).
  const referrers = new Map<string, ReturnType<typeof classifyReferrer>>()
  const referrerOf = (referrer: string | null, landingUrl: string | null) =>
    cached(referrers, keyOf(referrer) + keyOf(landingUrl), () => classifyReferrer(referrer, {landingUrl, siteDomains}))
  const ua = memo((s: string) => parseUserAgent(s))
  const decisions = new Map<string, ReturnType<typeof classify>>()
  const intentOf = (term: string | null, url: string | null, title: string | null) =>
    cached(decisions, keyOf(term) + keyOf(url) + keyOf(title), () => classify({term, url, title}, classifier))
  const hash = memo(shortHash)
  const loadsAsync = options.agentLoads ?? (async () => new Map<string, number>())
  const loadsSync = options.agentLoadsSync

  type Evaluated = {
    state: VisitorState
    batch: ProbeBatch
    ts: string
    place: ReturnType<typeof lookupIp>
    ref: ReturnType<typeof classifyReferrer>
    intent: string
    fired: ReturnType<typeof evaluate>['directives']
    member?: ResponderAnswer['member']
  }

  function finish(e: Evaluated, loads: Map<string, number>): ResponderAnswer {
    const {state, batch, place, ref} = e
    const directives: Directive[] = []
    const theme = themes.get(batch.site)
    for (const d of e.fired) {
      const id = `${d.scenarioId}.${state.visitCount}.${hash(batch.visitor_id)}`
      let survey: Record<string, unknown> | undefined
      if (d.survey) {
        const chatEnd = batch.events.find((x) => x.type === 'chat_end')
        survey = surveys.payload(d.survey, e.ts.slice(0, 10), {intent: e.intent, conversationId: chatEnd?.ref_id ?? null}) ?? undefined
        if (!survey) continue // no version active today
      }
      let route: Directive['route']
      if (d.route) {
        let agentId: string | null = null
        if (d.route.kind === 'previous_agent') agentId = d.route.target
        else if (d.route.kind === 'skill_group' || d.route.kind === 'least_loaded')
          agentId = pickAgent(agents, loads, (a) => a.groups.includes(d.route!.target))?.id ?? null
        else if (d.route.kind === 'local_partner')
          agentId = pickAgent(agents, loads, (a) => a.cities.includes(place.city ?? '') && a.groups.includes('partner'))?.id ?? null
        route = {kind: d.route.kind, target: d.route.target, agentId}
        if (agentId) state.routedAgents = {...(state.routedAgents ?? {}), [id]: agentId}
      }
      directives.push({
        id,
        scenarioId: d.scenarioId,
        type: d.type,
        message: d.message,
        title: d.title,
        labels: d.labels,
        resource: d.resource as Record<string, unknown> | undefined,
        route,
        theme,
        survey,
      })
    }
    const live = {
      url: state.lastUrl,
      intent: e.intent,
      province: place.province,
      city: place.city,
      source: ref.source,
      term: ref.term,
      visitNumber: state.visitCount,
      directives: directives.map((d) => d.scenarioId),
      fired:
        directives.length > 0
          ? directives.map((d) => ({id: d.id, scenarioId: d.scenarioId, type: d.type, agentId: d.route?.agentId}))
          : undefined,
      ts: e.ts,
    }
    if (e.member) e.member.state.previousAgent = state.previousAgent ?? e.member.state.previousAgent
    return {directives, state, ts: e.ts, count: batch.events.length, live, member: e.member}
  }

  return {
    respond({batch, ip, userAgent, nowMs, previous, member}) {
      // Visit bookkeeping: the server's own count, never lower than what the probe remembers.
      const newVisit = !previous || nowMs - previous.lastSeenMs > VISIT_GAP_MS
      const state: VisitorState = previous ? {...previous} : {visitCount: 0, visitStartedMs: nowMs, lastSeenMs: nowMs, pagesThisVisit: 0}
      if (newVisit) {
        state.visitCount = Math.max((previous?.visitCount ?? 0) + 1, batch.visit_count ?? 0)
        state.visitStartedMs = nowMs
        state.pagesThisVisit = 0
        state.referrer = undefined
      }
      state.lastSeenMs = nowMs
      // A member is one person on every device: the agent who served them last, on any device, is this device's
      // previous agent too, and a first visit on a new device after earlier ones elsewhere is a returning visit.
      let personVisit = 0
      if (member) {
        if (member.previousAgent) state.previousAgent = member.previousAgent
        personVisit = member.lastSeenMs < state.visitStartedMs ? member.visitCount + 1 : member.visitCount
      }
      let pageview: ProbeEventIn | undefined
      let heartbeat = false
      for (const e of batch.events) {
        if (e.type === 'pageview') {
          pageview ??= e
          state.pagesThisVisit++
        } else if (e.type === 'heartbeat') heartbeat = true
        else if (e.type === 'identify' && e.member_id) state.memberId = e.member_id
        else if (e.type === 'invite_accepted' && e.directive_id && state.routedAgents?.[e.directive_id])
          state.previousAgent = state.routedAgents[e.directive_id]
      }
      if (pageview) {
        state.lastUrl = pageview.url ?? state.lastUrl
        if (newVisit || (pageview.referrer && !sameHost(pageview.referrer, pageview.url))) {
          state.referrer = pageview.referrer ?? state.referrer
          state.landingUrl = pageview.url
        }
      }

      const ref = referrerOf(state.referrer ?? null, state.landingUrl ?? state.lastUrl ?? null)
      const place = geo(ip)
      const device = ua(userAgent)
      const title = pageview?.title ?? null
      const decision = intentOf(ref.term ?? null, state.lastUrl ?? null, title)
      const ts = localTimestamp(nowMs, timeZone)

      let fired: Evaluated['fired'] = []
      const trigger = surveys.triggers.size > 0 && batch.events.some((x) => surveys.triggers.has(x.type))
      if (!device.isBot && (pageview || heartbeat || trigger)) {
        const result = evaluate(
          {
            intent: decision.intent, // 'unknown' as in the batch pipeline, so one scenario file means the same in both
            confidence: decision.confidence,
            province: place.province,
            city: place.city,
            source: ref.source,
            medium: ref.medium,
            term: ref.term,
            visitNumber: Math.max(state.visitCount, personVisit),
            dwellS: Math.round((nowMs - state.visitStartedMs) / 1000),
            pages: state.pagesThisVisit,
            url: state.lastUrl ?? null,
            hour: Number(ts.slice(11, 13)),
            device: device.deviceType,
            previousAgent: state.previousAgent ?? null,
            events: trigger ? batch.events.map((x) => x.type) : undefined,
          },
          compiled,
          (state.scenarioState as never) ?? emptyState(),
        )
        state.scenarioState = result.state
        fired = result.directives
      }
      const evaluated: Evaluated = {state, batch, ts, place, ref, intent: decision.intent, fired}
      if (state.memberId)
        evaluated.member = {
          id: state.memberId,
          state: {
            visitCount: Math.max(state.visitCount, personVisit),
            visitStartedMs: state.visitStartedMs,
            lastSeenMs: nowMs,
            pagesThisVisit: 0,
            previousAgent: member?.previousAgent,
          },
        }
      // Agent loads are read only when a directive routes by load (the memory store answers synchronously).
      const needsLoads = agents.length > 0 && fired.some((d) => d.route && d.route.kind !== 'previous_agent')
      if (!needsLoads) return finish(evaluated, new Map())
      if (loadsSync) return finish(evaluated, loadsSync(agentIds))
      return loadsAsync(agentIds).then((loads) => finish(evaluated, loads))
    },
  }
}

/** Bounded cache lookup (oldest entry evicted first), as memo() but with the key built by the caller. */
function cached<T>(cache: Map<string, T>, key: string, compute: () => T, max = 50_000): T {
  let v = cache.get(key)
  if (v === undefined && !cache.has(key)) {
    v = compute()
    if (cache.size >= max) cache.delete(cache.keys().next().value as string)
    cache.set(key, v)
  }
  return v as T
}

/** Length-prefixed memo key part: `null` and every string map to distinct, unambiguous keys. */
function keyOf(s: string | null): string {
  return s === null ? '-|' : `${s.length}|${s}`
}

const hosts = memo((url: string): string | null => {
  try {
    return new URL(url).host
  } catch {
    return null
  }
})

/** Same host (parsed once per distinct URL); an unparsable URL is never the same host. */
function sameHost(a: string, b: string | undefined): boolean {
  if (!b) return false
  const ha = hosts(a)
  const hb = hosts(b)
  return ha !== null && hb !== null && ha === hb
}

function shortHash(s: string): string {
  return createHash('sha1').update(s).digest('hex').slice(0, 8)
}
