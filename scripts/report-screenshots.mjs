// Screenshots of an HTML report in headless Chromium for docs/img (README "Reports"): the top of the page at desktop
// (1280 px) and phone (390 px) width, and the keyword section at both widths.
// Usage: node scripts/report-screenshots.mjs <report.html> [out dir, default docs/img]
// Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium) and playwright-core (a dev dependency).
import {mkdirSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {chromium} from 'playwright-core'

const [file, outDir = 'docs/img'] = process.argv.slice(2)
if (!file) {
  console.error('usage: node scripts/report-screenshots.mjs <report.html> [out dir]')
  process.exit(2)
}
mkdirSync(outDir, {recursive: true})
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
})
try {
  for (const [name, width, height, keywordHeight] of [
    ['desktop', 1280, 1180, 1000],
    ['phone', 390, 844, 844],
  ]) {
    const page = await browser.newPage({viewport: {width, height}})
    await page.goto(`file://${resolve(file)}`)
    await page.evaluate('document.fonts.ready')
    await page.screenshot({path: join(outDir, `report-${name}.png`)})
    // the keyword section from its heading: the chart with its sources, then the table
    await page.setViewportSize({width, height: keywordHeight})
    await page
      .locator('h2', {hasText: 'Keywords against industry benchmarks'})
      .first()
      .evaluate((h) => h.scrollIntoView())
    await page.screenshot({path: join(outDir, name === 'desktop' ? 'report-keywords.png' : 'report-keywords-phone.png')})
    await page.close()
  }
} finally {
  await browser.close()
}
