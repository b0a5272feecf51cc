import React, {useEffect, useReducer, useState} from 'react'
import {Box, Text} from 'ink'
import {followLive} from './live-client.js'
import {clock, emptyTop, firedByType, placeOf, reduceTop, totalFired, visitorsByRecency, type TopEvent, type TopState} from './top-model.js'
import {terminalSafe as safe} from '../format/safe.js'

const DIRECTIVE_ROWS = 12
const VISITOR_ROWS = 20

/** A fixed-width cell (Ink measures CJK as two columns). */
function Cell({width, children, ...text}: {width: number; children: string} & React.ComponentProps<typeof Text>) {
  return (
    <Box width={width} flexShrink={0}>
      <Text wrap="truncate" {...text}>
        {safe(children)}
      </Text>
    </Box>
  )
}

/**
 * The live console: the directives fired (newest first) next to the visitors on site now, with the server's counters
 * (the numbers /metrics shows). A directive stays listed after its visitor moves on.
 */
export function TopView({url, token}: {url: string; token?: string}) {
  const [state, dispatch] = useReducer((s: TopState, e: TopEvent) => reduceTop(s, e), undefined, emptyTop)
  const [error, setError] = useState<string | undefined>()
  useEffect(() => {
    const controller = new AbortController()
    followLive(
      url,
      {
        snapshot: (visitors) => dispatch({type: 'snapshot', visitors}),
        directives: (value) => dispatch({type: 'directives', value}),
        visitor: (value) => dispatch({type: 'visitor', value}),
        directive: (value) => dispatch({type: 'directive', value}),
        stats: (value) => dispatch({type: 'stats', value}),
      },
      {signal: controller.signal, token},
    ).then(
      () => {
        if (!controller.signal.aborted) setError(`${url}: the stream ended (serve stopped?)`)
      },
      (e: Error) => {
        if (!controller.signal.aborted) setError(e.message)
      },
    )
    return () => controller.abort()
  }, [url, token])
  const fired = [...state.recent].reverse().slice(0, DIRECTIVE_ROWS)
  const visitors = visitorsByRecency(state)
  const total = totalFired(state)
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>ccx top</Text> · {safe(url.replace(/\/live$/, ''))} · <Text bold>{state.visitors.size}</Text> visitors on site ·{' '}
        <Text bold>{total}</Text> directives fired since serve started{total > 0 ? `: ${safe(firedByType(state))}` : ''}
      </Text>
      {error ? <Text color="red">{safe(error)}</Text> : null}
      <Box marginTop={1}>
        <Text bold>Directives fired</Text>
        <Text dimColor>
          {' '}
          (newest first{state.recent.length > DIRECTIVE_ROWS ? `; ${DIRECTIVE_ROWS} of ${state.recent.length} kept` : ''})
        </Text>
      </Box>
      <Box>
        {(
          [
            ['time', 10],
            ['visitor', 20],
            ['place', 12],
            ['intent', 18],
            ['directive', 11],
          ] as const
        ).map(([name, width]) => (
          <Cell key={name} width={width} underline>
            {name}
          </Cell>
        ))}
        <Text underline>scenario</Text>
      </Box>
      {fired.length === 0 ? <Text dimColor>(none yet)</Text> : null}
      {fired.map((d) => (
        <Box key={d.id + d.ts}>
          <Cell width={10}>{clock(d.ts)}</Cell>
          <Cell width={20}>{d.visitorId}</Cell>
          <Cell width={12}>{placeOf(d)}</Cell>
          <Cell width={18} color="green">
            {d.intent ?? ''}
          </Cell>
          <Cell width={11} color="yellow">
            {d.type}
          </Cell>
          <Text>
            {safe(d.scenarioId)}
            {d.agentId ? ` → ${safe(d.agentId)}` : ''}
          </Text>
        </Box>
      ))}
      <Box marginTop={1}>
        <Text bold>Visitors on site</Text>
        <Text dimColor>
          {' '}
          (last 5 minutes, most recent first{visitors.length > VISITOR_ROWS ? `; ${VISITOR_ROWS} of ${visitors.length}` : ''})
        </Text>
      </Box>
      <Box>
        {(
          [
            ['last seen', 11],
            ['visitor', 20],
            ['place', 12],
            ['intent', 18],
            ['source / keyword', 26],
            ['visit', 6],
          ] as const
        ).map(([name, width]) => (
          <Cell key={name} width={width} underline>
            {name}
          </Cell>
        ))}
        <Text underline>directives</Text>
      </Box>
      {visitors.slice(0, VISITOR_ROWS).map((v) => (
        <Box key={`${v.site}/${v.visitorId}`}>
          <Cell width={11}>{clock(v.ts ?? v.lastSeen)}</Cell>
          <Cell width={20}>{v.visitorId}</Cell>
          <Cell width={12}>{placeOf(v)}</Cell>
          <Cell width={18} color={v.intent && v.intent !== 'unknown' ? 'green' : undefined}>
            {v.intent ?? ''}
          </Cell>
          <Cell width={26}>{[v.source, v.term].filter(Boolean).join(' / ')}</Cell>
          <Cell width={6}>{String(v.visitNumber)}</Cell>
          <Text color="yellow">{safe(v.directives.join(', '))}</Text>
        </Box>
      ))}
    </Box>
  )
}
