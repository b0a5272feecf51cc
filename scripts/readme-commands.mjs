// Writes the README's command list from oclif.manifest.json (run by `npm run build`); a test checks it is current.
import {readFileSync, writeFileSync} from 'node:fs'

export function commandsMarkdown(manifest) {
  const rows = Object.values(manifest.commands)
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((c) => {
      const args = Object.values(c.args ?? {}).map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`))
      const usage = ['ccx', c.id.split(':').join(' '), ...args].join(' ')
      const text = (c.summary ?? c.description ?? '').replace(/\s*\n\s*/g, ' ')
      const summary = (/^(.*?\.)(\s|$)/.exec(text)?.[1] ?? text).replace(/\|/g, '\\|')
      return `| \`${usage}\` | ${summary} |`
    })
  return ['| command | what it does |', '|---|---|', ...rows].join('\n')
}

export function updateReadme(readme, manifest) {
  const start = '<!-- commands:start -->'
  const end = '<!-- commands:end -->'
  const a = readme.indexOf(start)
  const b = readme.indexOf(end)
  if (a === -1 || b === -1) throw new Error('README.md lacks the commands markers')
  return readme.slice(0, a + start.length) + '\n' + commandsMarkdown(manifest) + '\n' + readme.slice(b)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const manifest = JSON.parse(readFileSync('oclif.manifest.json', 'utf8'))
  const readme = readFileSync('README.md', 'utf8')
  const next = updateReadme(readme, manifest)
  if (next !== readme) writeFileSync('README.md', next)
}
