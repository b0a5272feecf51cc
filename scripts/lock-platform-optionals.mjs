// Records the platform-specific optional packages npm left out of the lock (npm/cli#4828). The registry this machine
// reaches does not carry the other platforms' binaries, so their records hold version + os/cpu only: npm ci skips
// them on this platform and never needs to fetch them.
import {readFileSync, writeFileSync} from 'node:fs'
const lockPath = process.argv[2]
const lock = JSON.parse(readFileSync(lockPath, 'utf8'))
const pkgs = lock.packages
const OS = {darwin: 'darwin', linux: 'linux', win32: 'win32', freebsd: 'freebsd', android: 'android'}
const CPU = {x64: 'x64', arm64: 'arm64', arm: 'arm', ia32: 'ia32', wasm32: 'wasm32'}
let added = 0
for (const [path, entry] of Object.entries(pkgs)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = 'node_modules/' + name
    if (pkgs[key] || pkgs[path + '/node_modules/' + name]) continue
    const parts = name.split('/').pop().split('-')
    const os = parts.find((p) => OS[p])
    const cpu = parts.find((p) => CPU[p])
    const rec = {version: range, optional: true}
    if (cpu) rec.cpu = [cpu]
    if (os) rec.os = [os]
    if (parts.includes('musl')) rec.libc = ['musl']
    else if (os === 'linux' && parts.includes('gnu')) rec.libc = ['glibc']
    pkgs[key] = rec
    added++
    console.log('added', key, JSON.stringify(rec))
  }
}
lock.packages = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))))
writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n')
console.log('added', added)
