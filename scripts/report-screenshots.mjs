// Screenshots of an HTML report in headless Chromium, desktop and 390 px wide (docs/img; README "Reports").
// Usage: node scripts/report-screenshots.mjs <report.html> <out dir> [prefix]
// Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium) and playwright-core (a dev dependency).
import {mkdirSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {chromium} from 'playwright-core'

const [file, outDir, prefix = 'report'] = process.argv.slice(2)
if (!file || !outDir) {
  console.error('usage: node scripts/report-screenshots.mjs <report.html> <out dir> [prefix]')
  process.exit(2)
}
mkdirSync(outDir, {recursive: true})
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
})
try {
  for (const [name, width, height, scale] of [
    ['desktop', 1200, 2400, 1],
    ['phone', 390, 2600, 2],
  ]) {
    const page = await browser.newPage({viewport: {width, height}, deviceScaleFactor: scale})
    await page.goto(`file://${resolve(file)}`)
    await page.screenshot({path: join(outDir, `${prefix}-${name}.png`)})
    // the keyword section on its own: its chart and the sources under its table
    const keywords = page.locator('section', {has: page.locator('h2', {hasText: 'Keywords'})}).first()
    if ((await keywords.count()) > 0) await keywords.screenshot({path: join(outDir, `${prefix}-keywords-${name}.png`)})
    await page.close()
  }
} finally {
  await browser.close()
}
