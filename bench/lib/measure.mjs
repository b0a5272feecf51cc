// Runs a child process and measures its wall time and peak RSS (VmHWM from /proc, polled).
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'

function vmHwmKb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}

/** {code, ms, peakRssMb, stdout, stderr} */
export function measure(command, args, options = {}) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint()
    const child = spawn(command, args, {stdio: ['ignore', 'pipe', 'pipe'], ...options})
    let peak = 0
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setInterval(() => (peak = Math.max(peak, vmHwmKb(child.pid))), 50)
    child.on('exit', (code) => {
      clearInterval(timer)
      const ms = Number(process.hrtime.bigint() - t0) / 1e6
      // stdio may still be flushing
      setTimeout(() => resolve({code, ms, peakRssMb: peak / 1024, stdout, stderr}), 20)
    })
  })
}
