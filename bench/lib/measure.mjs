// Runs a child process and measures its wall time, CPU time and peak RSS.
import {spawn} from 'node:child_process'
import {closeSync, copyFileSync, fsyncSync, openSync, readFileSync} from 'node:fs'

function vmHwmKb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}

// Clock ticks per second of /proc's times: 100 on every Linux build we run on (getconf CLK_TCK).
const TICKS = 100

/**
 * CPU ms of this process's children that have been waited for (cutime + cstime in /proc/self/stat): exact for a child
 * once it has exited, grandchildren it waited for included. Measured children must therefore run one at a time.
 */
function childrenCpuMs() {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  // fields after the command name (which may hold spaces): state is field 3, cutime 16, cstime 17
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS
}

/** {code, ms, cpuMs, peakRssMb, stdout, stderr}; peak RSS is VmHWM polled every 50 ms. */
export function measure(command, args, options = {}) {
  return new Promise((resolve) => {
    const cpu0 = childrenCpuMs()
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
      // stdio may still be flushing; the child is reaped by then, so its CPU is in our children's times
      setTimeout(() => resolve({code, ms, cpuMs: childrenCpuMs() - cpu0, peakRssMb: peak / 1024, stdout, stderr}), 20)
    })
  })
}

/**
 * Copies a database file for a measured side to start from, and waits until the copy is on disk: otherwise the measured
 * process's first checkpoint (its fsync) writes back the copy's dirty pages (~0.5 s for a 475 MB database here), a
 * cost of the bench's setup, not of the command.
 */
export function copyToDisk(from, to) {
  copyFileSync(from, to)
  const fd = openSync(to, 'r+')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
