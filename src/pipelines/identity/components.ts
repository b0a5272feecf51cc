import type {Store} from '../../store/store.js'

/**
 * Connected components of the identity links by union-find (path halving, union by size) over the integer node
 * numbers of idn_nodes and the pairs of idn_edges; writes idn_labels(node, component) for the identifiers that have links (any other is a component of its own). Measured against label
 * propagation in DuckDB on the same links: docs/metrics.md "Identity".
 */
export async function components(store: Store): Promise<{nodes: number; edges: number; components: number}> {
  const nodes = await store.scalar<number>('select coalesce(max(node), 0)::INTEGER from idn_nodes')
  const reader = await store.connection.runAndReadAll('select a, b from idn_edges')
  const [as = [], bs = []] = reader.getColumnsJS() as number[][]
  const parent = new Int32Array(nodes + 1)
  const size = new Int32Array(nodes + 1).fill(1)
  for (let i = 0; i <= nodes; i++) parent[i] = i
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!
      x = parent[x]!
    }
    return x
  }
  for (let i = 0; i < as.length; i++) {
    let ra = find(as[i]!)
    let rb = find(bs[i]!)
    if (ra === rb) continue
    if (size[ra]! < size[rb]!) [ra, rb] = [rb, ra]
    parent[rb] = ra
    size[ra]! += size[rb]!
  }
  // only linked identifiers are written: an identifier alone (most visitors) is its own component
  const linked: number[] = []
  let count = 0
  for (let node = 1; node <= nodes; node++) {
    const root = find(node)
    if (root === node) count++
    if (root !== node || size[node]! > 1) linked.push(node, root)
  }
  await store.run('create or replace temp table idn_labels (node INTEGER, component INTEGER)')
  await store.append('idn_labels', linked.length / 2, (a, k) => {
    a.appendInteger(linked[2 * k]!)
    a.appendInteger(linked[2 * k + 1]!)
  })
  return {nodes, edges: as.length, components: count}
}
