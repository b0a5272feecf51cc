import type {LiveVisitor} from './types.js'

/** Reads the /live server-sent events: the snapshot first, then one update per batch. */
export async function followLive(
  url: string,
  onSnapshot: (v: LiveVisitor[]) => void,
  onVisitor: (v: LiveVisitor) => void,
  signal?: AbortSignal,
  /** serve.adminToken, when the admin listener requires one. */
  token?: string,
): Promise<void> {
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
      if (!data) continue
      if (event === 'snapshot') onSnapshot(JSON.parse(data))
      else if (event === 'visitor') onVisitor(JSON.parse(data))
    }
  }
}
