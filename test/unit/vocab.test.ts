import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {STAGE_PRESETS, STEP_TYPES} from '../../src/reports/marketing/funnel.js'
import {Store} from '../../src/store/store.js'
import {DIRECTIVE_TYPES, RESOURCE_TYPES, ROUTE_KINDS} from '../../src/vocab/directives.js'
import {FUNNEL_STEP_TYPES, MART_STEP_TYPES, PAGE_LEVEL_EVENT_TYPES, PROBE_EVENT_TYPES} from '../../src/vocab/events.js'
import {ConditionsSchema} from '../../src/vocab/scenarios.js'
import {ROOT, tempDir} from '../helpers/cli.js'

// Each vocabulary has one definition (src/vocab); what cannot import it — SQL, the browser probe, the docs — is
// checked against it here.

const doc = (name: string) => readFileSync(join(ROOT, 'docs', name), 'utf8')
const sorted = (values: Iterable<string>) => [...new Set(values)].sort()

describe('probe event types', () => {
  const tmp = tempDir()
  afterAll(() => tmp.cleanup())

  it('the database enum ingest casts to holds exactly the vocabulary', async () => {
    const store = await Store.open(join(tmp.path, 'vocab.duckdb'))
    try {
      const rows = await store.all<{t: string}>('select unnest(enum_range(null::ccx_probe_event_type)) as t')
      expect(rows.map((r) => r.t)).toEqual([...PROBE_EVENT_TYPES])
    } finally {
      await store.close()
    }
  })

  it('docs/formats.md lists exactly the vocabulary', () => {
    const row = doc('formats.md')
      .split('\n')
      .find((l) => l.startsWith('| type | enum |'))
    expect(row).toBeDefined()
    const listed = /`([a-z_ ]+)`/.exec(row!)![1].split(' ')
    expect(listed).toEqual([...PROBE_EVENT_TYPES])
  })

  it('the probe script sends only known event types', () => {
    const probe = readFileSync(join(ROOT, 'src/serve/assets/probe.js'), 'utf8')
    const sent = [...probe.matchAll(/track\('([a-z_]+)'/g)].map((m) => m[1])
    expect(sent.length).toBeGreaterThan(5)
    for (const type of sent) expect(PROBE_EVENT_TYPES).toContain(type)
  })

  it('funnel step types are the probe types plus session starts and calls; the mart holds all but page-level ones', () => {
    expect(sorted(FUNNEL_STEP_TYPES)).toEqual(sorted([...PROBE_EVENT_TYPES, 'session_start', 'call_inbound', 'call_outbound']))
    expect(STEP_TYPES).toBe(FUNNEL_STEP_TYPES)
    expect(sorted([...MART_STEP_TYPES, ...PAGE_LEVEL_EVENT_TYPES])).toEqual(sorted(FUNNEL_STEP_TYPES))
    for (const preset of Object.values(STAGE_PRESETS)) for (const t of preset.types) expect(FUNNEL_STEP_TYPES).toContain(t)
  })
})

describe('directives', () => {
  it('docs/scenarios.md documents exactly the directive types, resource types and route kinds', () => {
    const text = doc('scenarios.md')
    const actions = text.slice(text.indexOf('### Actions'), text.indexOf('### Priorities'))
    const rows = [...actions.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]).filter((t) => t !== 'type')
    expect(rows).toEqual([...DIRECTIVE_TYPES])
    const resourceLine = /`resource`: `\{"type": ([^}]+)"near"/.exec(actions.replace(/\n/g, ' '))![1]
    expect(sorted([...resourceLine.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]))).toEqual(sorted(RESOURCE_TYPES))
    const routeLine = actions.slice(actions.indexOf('- `route`:'), actions.indexOf('- `message`'))
    expect(sorted([...routeLine.matchAll(/"kind": "([a-z_]+)"/g), ...routeLine.matchAll(/\| "([a-z_]+)"/g)].map((m) => m[1]))).toEqual(
      sorted(ROUTE_KINDS),
    )
  })

  it('docs/schema.md lists the directive types and route kinds of scenario_matches', () => {
    const text = doc('schema.md').replace(/\n/g, ' ')
    const types = /`action_type` \(([^)]+)\)/.exec(text)![1]
    expect([...types.matchAll(/`([a-z_]+)`/g)].map((m) => m[1])).toEqual([...DIRECTIVE_TYPES])
    const kinds = /`route_kind` \(([^)]+)\)/.exec(text)![1]
    expect([...kinds.matchAll(/`([a-z_]+)`/g)].map((m) => m[1])).toEqual([...ROUTE_KINDS])
  })

  it('the probe script shows every directive type but route (routing happens on the server)', () => {
    const probe = readFileSync(join(ROOT, 'src/serve/assets/probe.js'), 'utf8')
    const shown = [...probe.matchAll(/^ {2}widget\('([a-z_]+)'/gm)].map((m) => m[1])
    expect(sorted(shown)).toEqual(sorted(DIRECTIVE_TYPES.filter((t) => t !== 'route')))
  })
})

describe('scenario conditions', () => {
  it('docs/scenarios.md documents exactly the condition keys', () => {
    const text = doc('scenarios.md')
    const table = text.slice(text.indexOf('### Conditions'), text.indexOf('### Actions'))
    const keys = [...table.matchAll(/^\| (`[a-zA-Z]+`(?:, `[a-zA-Z]+`)*) \|/gm)].flatMap((m) =>
      [...m[1].matchAll(/`([a-zA-Z]+)`/g)].map((k) => k[1]),
    )
    expect(sorted(keys)).toEqual(sorted(Object.keys(ConditionsSchema.shape)))
  })
})
