// The loopback ClickHouse cluster of bench/lib/clickhouse-cluster.mjs (shared with bench/warehouse.mjs), typed.
import * as cluster from '../../bench/lib/clickhouse-cluster.mjs'

export interface ClickHouseCluster {
  /** HTTP URL of the first server: the one ccx talks to. */
  url: string
  /** HTTP URL of every shard, in shard order. */
  shardUrls: string[]
  cluster: string
  pids: number[]
  stop: () => Promise<void>
}

export const CLICKHOUSE_SERVER: string | undefined = cluster.CLICKHOUSE_SERVER

/** `shards` clickhouse-server processes on loopback ports from the OS, their remote_servers naming every shard. */
export const startClickHouseCluster: (shards?: number, deadlineMs?: number) => Promise<ClickHouseCluster> = cluster.startClickHouseCluster
