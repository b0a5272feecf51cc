import type {Store} from '../store/store.js'
import {sqlString as q} from '../store/values.js'
import {mappingError, type Origin} from './mapping.js'

/**
 * Mapping expressions and row filters are DuckDB SQL over the file's columns. Each one is parsed by DuckDB itself
 * (json_serialize_sql), must be ONE expression without subqueries, window or aggregate functions, may only name
 * columns of the header, and is rewritten to the loader's internal column names (c0, c1, ...) from the parse tree,
 * so quoting such as "vru+line" is DuckDB's own. Every error names the field (or filter) and the expression.
 */
export interface CompiledExpr {
  /** SQL over c0..cN. Casts are TRY_CASTs: a value that does not convert is caught by `casts`, not a failed load. */
  sql: string
  /** One per cast: a value that does not convert (its row is quarantined with the value). */
  casts: Array<{failed: string; value: string; type: string}>
  /** Header indexes it reads. */
  columns: number[]
  /** DuckDB's type of the result when every column is text. */
  type: string
}

type Node = Record<string, unknown>

let blocked: Set<string> | undefined

async function blockedFunctions(store: Store): Promise<Set<string>> {
  if (!blocked) {
    const rows = await store.all<{name: string}>(
      `select distinct lower(function_name) as name from duckdb_functions() where function_type in ('aggregate', 'table', 'table_macro', 'pragma')`,
    )
    blocked = new Set([...rows.map((r) => r.name), 'getenv', 'current_setting', 'read_text', 'read_blob', 'nextval', 'setseed'])
  }
  return blocked
}

function findColumn(header: string[], name: string): number {
  const exact = header.findIndex((h) => h.trim() === name)
  return exact !== -1 ? exact : header.findIndex((h) => h.trim().toLowerCase() === name.toLowerCase())
}

/** Parses, checks and rewrites one expression; `what` names it in errors ("call_id", "$skip phantom"). */
export async function compileExpression(
  store: Store,
  expr: string,
  header: string[],
  ctx: {what: string; origin: Origin; file: string},
): Promise<CompiledExpr> {
  const fail = (why: string, suggestions: string[] = []) =>
    mappingError(ctx.origin, `${ctx.what}: expression ${JSON.stringify(expr)}: ${why}`, suggestions)
  const serialized = String(await store.scalar(`select json_serialize_sql(${q(`select ${expr}`)})`))
  const tree = JSON.parse(serialized) as {error: boolean; error_message?: string; statements?: Array<{node: Node}>}
  if (tree.error)
    throw fail(`not valid SQL (${tree.error_message})`, [`Quote column names with spaces or signs in double quotes: "vru+line"`])
  if (tree.statements?.length !== 1) throw fail('must be one expression, not several statements')
  const node = tree.statements[0]!.node
  const list = node.select_list as Node[] | undefined
  if (node.type !== 'SELECT_NODE' || !list || list.length !== 1)
    throw fail('must be one expression (a comma outside parentheses makes two)')
  if ((node.from_table as Node | undefined)?.type !== 'EMPTY' || node.where_clause || (node.group_expressions as unknown[]).length > 0)
    throw fail('must be an expression over the columns of one row (no FROM, WHERE or GROUP BY)')
  const bad = await blockedFunctions(store)
  const columns = new Set<number>()
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(visit)
    if (!n || typeof n !== 'object') return
    const o = n as Node
    // JSON numbers lose uint64 precision in JS; positions are optional for DuckDB.
    delete o.query_location
    if (o.class === 'SUBQUERY') throw fail('subqueries are not allowed')
    if (o.class === 'WINDOW') throw fail('window functions are not allowed')
    if (o.class === 'FUNCTION' && typeof o.function_name === 'string' && bad.has(o.function_name.toLowerCase()))
      throw fail(`${o.function_name}() is not allowed (aggregate, table or system function)`)
    if (o.class === 'COLUMN_REF') {
      const names = o.column_names as string[]
      if (names.length !== 1) throw fail(`"${names.join('.')}": name columns without a table`)
      const k = findColumn(header, names[0]!)
      if (k === -1)
        throw fail(`column "${names[0]}" is not in the header of ${ctx.file}`, [
          `The header has: ${header.map((h) => h.trim()).join(', ')}`,
          `Text in single quotes is a string ('-'); double quotes name a column ("vru+line").`,
        ])
      columns.add(k)
      o.column_names = [`c${k}`]
    }
    for (const v of Object.values(o)) if (v && typeof v === 'object') visit(v)
  }
  visit(list[0])
  for (const k of Object.keys(node)) if (k !== 'select_list') visit(node[k])
  // A cast that fails on one row would fail the whole file: make each a TRY_CAST and check it per row instead.
  const castNodes: Node[] = []
  const findCasts = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(findCasts)
    if (!n || typeof n !== 'object') return
    const o = n as Node
    if (o.class === 'CAST') {
      o.try_cast = true
      castNodes.push(o)
    }
    for (const v of Object.values(o)) if (v && typeof v === 'object') findCasts(v)
  }
  findCasts(list[0])
  const toSql = async (expression: unknown): Promise<string> => {
    const one = {...tree, statements: [{...tree.statements![0]!, node: {...node, select_list: [expression]}}]}
    return String(await store.scalar(`select json_deserialize_sql(${q(JSON.stringify(one))})`)).replace(/^SELECT\s+/i, '')
  }
  const casts = []
  for (const c of castNodes) {
    const child = await toSql(c.child)
    casts.push({
      failed: `(${child}) is not null and (${await toSql(c)}) is null`,
      value: `(${child})::VARCHAR`,
      type: String((c.cast_type as Node).id),
    })
  }
  const rewritten = await toSql(list[0])
  const cols = header.map((_, k) => `NULL::VARCHAR as c${k}`).join(', ')
  let type: string
  try {
    type = String(await store.scalar(`select typeof(${rewritten}) from (select ${cols || '1 as x'})`))
  } catch (error) {
    const msg = (error as Error).message
      .split('\n')[0]!
      .replace(/\bc(\d+)\b/g, (_, k: string) => JSON.stringify(header[Number(k)]?.trim() ?? `c${k}`))
    throw fail(msg, ["The file's columns are text: cast them for arithmetic, e.g. CAST(q_time AS INTEGER) or q_time::INTEGER."])
  }
  return {sql: `(${rewritten})`, casts, columns: [...columns].sort((a, b) => a - b), type}
}
