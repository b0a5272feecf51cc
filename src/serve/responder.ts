import {createHash} from 'node:crypto'
import type {LoadedConfig} from '../config/load.js'
import {resolveFrom} from '../config/load.js'
import type {ServeConfig, AgentConfig} from './config.js'
import type {Directive, Responder} from './server.js'
import type {VisitorState} from './state.js'
import type {ProbeEventIn} from './validate.js'

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
    f = new Intl.DateTimeFormat('en-CA', {timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'})
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
export async function createResponder(config: LoadedConfig, serve: ServeConfig, options: {agentLoads?: (ids: string[]) => Promise<Map<string, number>>} = {}): Promise<Responder> {
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
  const scenarios = loadScenariosFile(files.scenarios ? resolveFrom(config.baseDir, files.scenarios) : defaultScenariosPath(), {knownIntents: intents.file.intents.map((i) => i.id)})
  const directory = loadDirectory(files.directory ? resolveFrom(config.baseDir, files.directory) : defaultDirectoryPath())
  const compiled = compileScenarios(scenarios, directory)
  const timeZone = config.config.timezone
  const agents = serve.agents

  const geo = memo((ip: string) => lookupIp(ip))
  const siteDomains = config.config.sites.map((s) => s.domain).filter((d): d is string => Boolean(d))
  const referrerOf = memo((key: string) => {
    const [referrer, landingUrl] = JSON.parse(key) as [string | null, string | null]
    return classifyReferrer(referrer, {landingUrl, siteDomains})
  })
  const ua = memo((s: string) => parseUserAgent(s))
  const intentOf = memo((key: string) => {
    const [term, url, title] = JSON.parse(key) as [string | null, string | null, string | null]
    return classify({term, url, title}, classifier)
  })
  const loadsOf = options.agentLoads ?? (async () => new Map<string, number>())

  return {
    async respond({batch, ip, userAgent, nowMs, previous}) {
      // Visit bookkeeping: the server's own count, never lower than what the probe remembers.
      const newVisit = !previous || nowMs - previous.lastSeenMs > VISIT_GAP_MS
      const state: VisitorState = previous
        ? {...previous}
        : {visitCount: 0, visitStartedMs: nowMs, lastSeenMs: nowMs, pagesThisVisit: 0}
      if (newVisit) {
        state.visitCount = Math.max((previous?.visitCount ?? 0) + 1, batch.visit_count ?? 0)
        state.visitStartedMs = nowMs
        state.pagesThisVisit = 0
        state.referrer = undefined
      }
      state.lastSeenMs = nowMs
      const pageview = batch.events.find((e) => e.type === 'pageview')
      for (const e of batch.events) if (e.type === 'pageview') state.pagesThisVisit++
      if (pageview) {
        state.lastUrl = pageview.url ?? state.lastUrl
        if (newVisit || (pageview.referrer && !sameHost(pageview.referrer, pageview.url))) {
          state.referrer = pageview.referrer ?? state.referrer
          state.landingUrl = pageview.url
        }
      }
      for (const e of batch.events) {
        if (e.type === 'invite_accepted' && e.directive_id && state.routedAgents?.[e.directive_id]) state.previousAgent = state.routedAgents[e.directive_id]
      }

      const ref = referrerOf(JSON.stringify([state.referrer ?? null, state.landingUrl ?? state.lastUrl ?? null]))
      const place = geo(ip)
      const device = ua(userAgent)
      const title = pageview?.title ?? null
      const decision = intentOf(JSON.stringify([ref.term ?? null, state.lastUrl ?? null, title]))
      state.intent = decision.intent
      state.city = place.city ?? undefined

      const directives: Directive[] = []
      if (!device.isBot && (pageview || batch.events.some((e) => e.type === 'heartbeat'))) {
        const hour = Number(localTimestamp(nowMs, timeZone).slice(11, 13))
        const result = evaluate(
          {
            intent: decision.intent, // 'unknown' as in the batch pipeline, so one scenario file means the same in both
            confidence: decision.confidence,
            province: place.province,
            city: place.city,
            source: ref.source,
            medium: ref.medium,
            term: ref.term,
            visitNumber: state.visitCount,
            dwellS: Math.round((nowMs - state.visitStartedMs) / 1000),
            pages: state.pagesThisVisit,
            url: state.lastUrl ?? null,
            hour,
            device: device.deviceType,
            previousAgent: state.previousAgent ?? null,
          },
          compiled,
          (state.scenarioState as never) ?? emptyState(),
        )
        state.scenarioState = result.state
        const loads = agents.length > 0 ? await loadsOf(agents.map((a) => a.id)) : new Map<string, number>()
        for (const d of result.directives) {
          const id = `${d.scenarioId}.${state.visitCount}.${shortHash(batch.visitor_id)}`
          let route: Directive['route']
          if (d.route) {
            let agentId: string | null = null
            if (d.route.kind === 'previous_agent') agentId = d.route.target
            else if (d.route.kind === 'skill_group' || d.route.kind === 'least_loaded') agentId = pickAgent(agents, loads, (a) => a.groups.includes(d.route!.target))?.id ?? null
            else if (d.route.kind === 'local_partner') agentId = pickAgent(agents, loads, (a) => a.cities.includes(place.city ?? '') && a.groups.includes('partner'))?.id ?? null
            route = {kind: d.route.kind, target: d.route.target, agentId}
            if (agentId) state.routedAgents = {...(state.routedAgents ?? {}), [id]: agentId}
          }
          directives.push({id, scenarioId: d.scenarioId, type: d.type, message: d.message, resource: d.resource as Record<string, unknown> | undefined, route})
        }
      }

      const ts = localTimestamp(nowMs, timeZone)
      const rows = batch.events.map((e: ProbeEventIn, i) => ({
        event_id: `${batch.site}:${batch.visitor_id}:${e.id ?? `${nowMs}-${i}-${Math.random().toString(36).slice(2, 10)}`}`,
        ts,
        site: batch.site,
        visitor_id: batch.visitor_id,
        type: e.type,
        url: e.url ?? null,
        title: e.title ?? null,
        referrer: e.type === 'pageview' ? (e.referrer ?? null) : null,
        ip,
        user_agent: userAgent,
        x: e.x ?? null,
        y: e.y ?? null,
        selector: e.selector ?? null,
        member_id: e.member_id ?? null,
        visit_count: state.visitCount,
        directive_id: e.directive_id ?? null,
        ref_id: e.ref_id ?? null,
        value: e.value ?? null,
        props: JSON.stringify({client_ts: e.ts ?? null, ...(e.props ? {data: e.props} : {})}),
      }))
      // Directives shown are events too: the journey report and scenario replay read them.
      return {
        directives,
        state,
        rows,
        live: {url: state.lastUrl, intent: decision.intent, province: place.province, city: place.city, source: ref.source, term: ref.term, visitNumber: state.visitCount, directives: directives.map((d) => d.scenarioId)},
      }
    },
  }
}

function sameHost(a: string, b: string | undefined): boolean {
  try {
    return Boolean(b) && new URL(a).host === new URL(b!).host
  } catch {
    return false
  }
}

function shortHash(s: string): string {
  return createHash('sha1').update(s).digest('hex').slice(0, 8)
}
