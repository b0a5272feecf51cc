import {readSql, renderSql} from '../../store/store.js'

/**
 * The `sessions` view's rows over `core`: sessions_core (the view itself) or a subquery of its rows with all its
 * columns (alias-free, e.g. `(select c.* from sessions_core c join … )`). Readers that re-do a few visitors use it
 * instead of filtering the view: the view joins the dimensions to every stored session before the filter.
 */
export function sessionsOf(core: string): string {
  return renderSql(readSql(import.meta.url, 'sessions.sql').replace(/^--.*\n/gm, ''), {sessions_core: core})
}

/** views.sql: the `events` and `sessions` views. */
export function viewsSql(): string {
  return renderSql(readSql(import.meta.url, 'views.sql'), {sessions: sessionsOf('sessions_core')})
}
