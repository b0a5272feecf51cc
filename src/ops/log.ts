/** Structured log lines (one JSON object per line) on stderr: what journald, cron mail or a log shipper reads. */
export type LogFields = Record<string, unknown>
export type JobLogger = (event: string, fields?: LogFields, level?: 'info' | 'warn' | 'error') => void

export function jsonLineLogger(write: (line: string) => void = (line) => process.stderr.write(line)): JobLogger {
  return (event, fields = {}, level = 'info') => {
    write(JSON.stringify({ts: new Date().toISOString(), level, event, ...fields}) + '\n')
  }
}

export const silentLogger: JobLogger = () => {}
