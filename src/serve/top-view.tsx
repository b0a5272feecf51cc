import React, {useEffect, useState} from 'react'
import {Box, Text} from 'ink'
import type {LiveVisitor} from './types.js'
import {followLive} from './live-client.js'
import {terminalSafe as safe} from '../format/safe.js'

const key = (v: LiveVisitor) => `${v.site}/${v.visitorId}`

/** The live console: visitors on site now, their place, intent, source and the directives fired. */
export function TopView({url, token}: {url: string; token?: string}) {
  const [visitors, setVisitors] = useState<Map<string, LiveVisitor>>(new Map())
  const [error, setError] = useState<string | undefined>()
  useEffect(() => {
    const controller = new AbortController()
    followLive(
      url,
      (snapshot) => setVisitors(new Map(snapshot.map((v) => [key(v), v]))),
      (v) => setVisitors((old) => new Map(old).set(key(v), v)),
      controller.signal,
      token,
    ).catch((e: Error) => {
      if (!controller.signal.aborted) setError(e.message)
    })
    return () => controller.abort()
  }, [url, token])
  const rows = [...visitors.values()].sort((a, b) => b.lastSeen.localeCompare(a.lastSeen)).slice(0, 30)
  const fired = rows.reduce((n, v) => n + v.directives.length, 0)
  return (
    <Box flexDirection="column">
      <Text bold>
        ccx top — {visitors.size} visitors on site, {fired} directives · {url}
      </Text>
      {error ? <Text color="red">{safe(error)}</Text> : null}
      <Box>
        <Box width={20}>
          <Text underline>visitor</Text>
        </Box>
        <Box width={14}>
          <Text underline>place</Text>
        </Box>
        <Box width={16}>
          <Text underline>intent</Text>
        </Box>
        <Box width={26}>
          <Text underline>source / keyword</Text>
        </Box>
        <Box width={7}>
          <Text underline>visit</Text>
        </Box>
        <Text underline>directives</Text>
      </Box>
      {rows.map((v) => (
        <Box key={key(v)}>
          <Box width={20}>
            <Text>{safe(v.visitorId.slice(0, 18))}</Text>
          </Box>
          <Box width={14}>
            <Text>{safe(v.city ?? v.province ?? '?')}</Text>
          </Box>
          <Box width={16}>
            <Text color={v.intent && v.intent !== 'unknown' ? 'green' : undefined}>{safe(v.intent ?? '')}</Text>
          </Box>
          <Box width={26}>
            <Text>{safe([v.source, v.term].filter(Boolean).join(' / ').slice(0, 24))}</Text>
          </Box>
          <Box width={7}>
            <Text>{safe(String(v.visitNumber))}</Text>
          </Box>
          <Text color="yellow">{safe(v.directives.join(', '))}</Text>
        </Box>
      ))}
    </Box>
  )
}
