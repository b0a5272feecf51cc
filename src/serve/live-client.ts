import type {FiredDirective, LiveStats, LiveVisitor} from './types.js'

/** What /live sends (src/serve/live.ts); every handler is optional. */
export interface LiveHandlers {
  /** On connect: the visitors on site now. */
  snapshot?: (visitors: LiveVisitor[]) => void
  /** On connect: the most recent directives fired, with the counters. */
  directives?: (d: LiveStats & {recent: FiredDirective[]}) => void
  /** Per acknowledged batch: the visitor as the feed now holds them. */
  visitor?: (v: LiveVisitor) => void
  /** Per directive fired. */
  directive?: (d: FiredDirective) => void
  /** Every few seconds: the counters (/metrics' numbers). */
  stats?: (s: LiveStats) => void
}

/** Reads the /live server-sent events until the stream ends or `signal` aborts. */
export async function followLive(
  url: string,
  handlers: LiveHandlers,
  options: {signal?: AbortSignal; /** serve.adminToken, when the admin listener requires one. */ token?: string} = {},
): Promise<void> {
  const {signal, token} = options
  const res = await fetch(url, {signal, headers: {accept: 'text/event-stream', ...(token ? {authorization: `Bearer ${token}`} : {})}})
  if (!res.ok || !res.body) throw new Error(`GET ${url} answered ${res.status}`)
  const decoder = new TextDecoder()
  let buffer = ''
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, {stream: true})
    let end: number
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const event = /^event: (.*)$/m.exec(block)?.[1]
      const data = /^data: (.*)$/m.exec(block)?.[1]
      if (!data || !event) continue
      const handler = handlers[event as keyof LiveHandlers] as ((value: unknown) => void) | undefined
      handler?.(JSON.parse(data))
    }
  }
}
