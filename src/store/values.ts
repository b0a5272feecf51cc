/** DuckDB hands back BIGINT/HUGEINT as bigint; JSON, Vega and arithmetic want numbers. */
export function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString()
  }
  if (Array.isArray(value)) return value.map(toPlain)
  if (value instanceof Date || value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toPlain(v)
  return out
}

/** Quotes a SQL string literal (for paths and identifiers DuckDB cannot take as parameters). */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}
