import {readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {JobsSchema} from '../../src/config/jobs.js'
import {JobJournal, jobHistory, runSteps, withStore} from '../../src/ops/journal.js'
import {JobLock, killOrphanChild, readLock} from '../../src/ops/lock.js'
import {Mutex} from '../../src/ops/mutex.js'
import {redactor} from '../../src/ops/redact.js'
import {runJob, Shutdown} from '../../src/ops/runner.js'
import {describeStep} from '../../src/ops/steps.js'
import {tempDir} from '../helpers/cli.js'

// Issue 15, #9: secrets in exec steps are masked in the scheduler's log, `jobs history` and the lock file.

describe('redactor', () => {
  const redact = redactor(['$MY_HOOK', 'literal-s3cret-42'], {MY_HOOK: 'hook-value-777', DB_PASSWORD: 'pw-from-env-1', HOME: '/root'})

  it('masks credentials in URLs, Authorization headers and secret-named options', () => {
    expect(redact('curl -H "Authorization: Bearer abc.def.ghi" https://ops:hunter22@backup.example.com/up')).toBe(
      'curl -H "Authorization: Bearer ***" https://ops:***@backup.example.com/up',
    )
    expect(redact('pg_dump --password=topsecret --host db')).toBe('pg_dump --password=*** --host db')
    expect(redact('mysqldump -u root --password s3cr3t ccx')).toBe('mysqldump -u root --password *** ccx')
    expect(redact('API_TOKEN=tok_9f8e7d sync.sh')).toBe('API_TOKEN=*** sync.sh')
    expect(redact('{"api_key": "k-123456"}')).toBe('{"api_key": "***"}')
  })

  it('keeps environment references, masks the values of secret variables and of the redact list', () => {
    expect(redact('curl -H "Authorization: Bearer $API_TOKEN" -u "$USER:$DB_PASSWORD" x')).toContain('$API_TOKEN')
    expect(redact('error: login failed for pw-from-env-1; hook hook-value-777; literal-s3cret-42')).toBe(
      'error: login failed for ***; hook ***; ***',
    )
    expect(redact('ls /root/reports')).toBe('ls /root/reports') // HOME is not secret
  })
})

describe('jobs with secrets in exec steps', () => {
  const dirs: Array<{cleanup: () => void}> = []
  const saved = process.env.UPLOAD_TOKEN
  afterEach(() => {
    dirs.splice(0).forEach((d) => d.cleanup())
    if (saved === undefined) delete process.env.UPLOAD_TOKEN
    else process.env.UPLOAD_TOKEN = saved
  })

  it('never writes a secret to the log, jobs history or the lock file', async () => {
    const d = tempDir('ccx-ops-redact-')
    dirs.push(d)
    process.env.UPLOAD_TOKEN = 'upl-0a1b2c3d4e'
    const dbPath = join(d.path, 'ccx.duckdb')
    const logged: string[] = []
    const lockTexts: string[] = []
    const step = {
      kind: 'exec',
      // a literal secret in the command, a URL credential, and the expanded token echoed by the failing command
      command:
        'echo "curl -u ops:literal-s3cret-42 https://ops:hunter22@up.example.com" >/dev/null; ' +
        `cat "${dbPath}.locks"/*.lock > lock-copy.json; ` +
        'echo "upload refused for token $UPLOAD_TOKEN (literal-s3cret-42)" >&2; exit 4',
      redact: ['literal-s3cret-42'],
    }
    const [job] = JobsSchema.parse([{name: 'upload', schedule: '0 2 * * *', steps: [step]}])
    const result = await runJob(job!, {
      dbPath,
      baseDir: d.path,
      timezone: 'Asia/Shanghai',
      journal: new JobJournal(dbPath),
      log: (event, fields) => void logged.push(JSON.stringify({event, ...fields})),
      dbMutex: new Mutex(),
      shutdown: new Shutdown(),
    })
    expect(result.status).toBe('failed')
    for (const f of readdirSync(d.path)) if (f === 'lock-copy.json') lockTexts.push(readFileSync(join(d.path, f), 'utf8'))
    const history = await withStore(dbPath, async (store) => {
      const runs = await jobHistory(store, {timeZone: 'Asia/Shanghai'})
      const steps = await runSteps(store, result.runId, 'Asia/Shanghai')
      return JSON.stringify({runs, steps})
    })
    const everything = [history, ...logged, ...lockTexts, result.error ?? '', describeStep(job!.steps[0]!)].join('\n')
    for (const secret of ['literal-s3cret-42', 'hunter22', 'upl-0a1b2c3d4e']) expect(everything).not.toContain(secret)
    expect(lockTexts.join('')).toMatch(/"job":"upload"/)
    expect(history).toContain('upload refused for token ***')
    expect(history).toContain('https://ops:***@up.example.com')
  })
})

describe('job lock', () => {
  it('records the running child by a hash of its command line, and still recognises it', async () => {
    const d = tempDir('ccx-ops-lock-')
    const {spawn} = await import('node:child_process')
    const dbPath = join(d.path, 'ccx.duckdb')
    const taken = JobLock.acquire(dbPath, {job: 'j', runId: 'r1', startedAt: 'now', expiresAt: '2999-01-01T00:00:00Z'})
    if (!taken.acquired) throw new Error('lock not taken')
    const argv = ['/bin/sh', '-c', 'sleep 30 # --password literal-s3cret-42']
    const child = spawn(argv[0]!, argv.slice(1), {detached: true, stdio: 'ignore'})
    taken.lock.setChild(child.pid, argv)
    const path = join(`${dbPath}.locks`, 'j.lock')
    expect(readFileSync(path, 'utf8')).not.toContain('literal-s3cret-42')
    const exited = new Promise((r) => child.once('exit', r))
    expect(killOrphanChild(readLock(path)!)).toBe(true)
    await exited
    taken.lock.release()
    d.cleanup()
  })
})
