/**
 * A ClickHouse client over its HTTP interface with Node's fetch: no dependency. The registry clients
 * (@clickhouse/client) target ClickHouse ≥ 22 and its settings; Debian ships 18.16, whose HTTP interface takes the
 * query in the body (or ?query= with the data in the body) and answers errors as text with a non-200 status.
 * Results come back as JSONEachRow: (U)Int64 arrive as strings — callers convert with Number().
 */
import {CcxError, EXIT} from '../errors.js'

export interface ClickHouseOptions {
  url: string
  user?: string
  password?: string
  /** Seconds before a request is abandoned. */
  timeoutS?: number
}

export class ClickHouse {
  readonly url: string
  private readonly headers: Record<string, string>
  private readonly timeoutMs: number

  constructor(options: ClickHouseOptions) {
    this.url = options.url.replace(/\/+$/, '')
    this.headers = {}
    if (options.user) this.headers['X-ClickHouse-User'] = options.user
    if (options.password) this.headers['X-ClickHouse-Key'] = options.password
    this.timeoutMs = (options.timeoutS ?? 600) * 1000
  }

  /** Runs a statement that returns nothing (DDL, ALTER, INSERT … SELECT). */
  async exec(sql: string): Promise<void> {
    await this.request(sql)
  }

  /** Rows of a SELECT (JSONEachRow). */
  async all<T extends Record<string, unknown> = Record<string, unknown>>(sql: string): Promise<T[]> {
    const text = await this.request(`${sql}\nFORMAT JSONEachRow`)
    return text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as T)
  }

  /** Inserts TabSeparated rows (escape with tsvField). */
  async insertTsv(table: string, columns: string[], body: string): Promise<void> {
    // insert_distributed_sync: the INSERT returns once every shard has its rows (a query right after sees them)
    await this.request(`INSERT INTO ${table} (${columns.join(', ')}) FORMAT TabSeparated`, body, '&insert_distributed_sync=1')
  }

  async ping(): Promise<void> {
    await this.request(null)
  }

  private async request(query: string | null, data?: string, settings = ''): Promise<string> {
    const target =
      query === null
        ? `${this.url}/ping`
        : data === undefined
          ? `${this.url}/`
          : `${this.url}/?query=${encodeURIComponent(query)}${settings}`
    let response: Response
    try {
      response = await fetch(target, {
        method: query === null ? 'GET' : 'POST',
        headers: this.headers,
        body: query === null ? undefined : (data ?? query),
        signal: AbortSignal.timeout(this.timeoutMs),
      })
    } catch (error) {
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error)
      throw new CcxError(`ClickHouse at ${this.url} is unreachable: ${cause}`, {
        code: 'WAREHOUSE_UNREACHABLE',
        exit: EXIT.failure,
        suggestions: ['Check warehouse.clickhouse.url in the config and that clickhouse-server runs (curl URL/ping answers "Ok.")'],
      })
    }
    const text = await response.text()
    if (!response.ok) {
      // the server's own message, without the stack trace newer versions append
      const message = text
        .trim()
        .split('\n')[0]
        .replace(/, e\.what\(\) = DB::Exception$/, '')
      throw new CcxError(`ClickHouse at ${this.url} answered ${response.status}: ${message}`, {
        code: 'WAREHOUSE_ERROR',
        exit: EXIT.failure,
        suggestions: [`The statement began: ${(query ?? '').replace(/\s+/g, ' ').slice(0, 160)}`],
      })
    }
    return text
  }
}

/** One TabSeparated field: \N for null, backslash escapes for tab, newline and backslash. */
export function tsvField(value: unknown): string {
  if (value === null || value === undefined) return '\\N'
  if (typeof value === 'boolean') return value ? '1' : '0'
  const text = value instanceof Date ? value.toISOString() : String(value)
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
}

/** A string literal for ClickHouse SQL. */
export function chString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}
