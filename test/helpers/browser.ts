/** Debian's chromium (CHROMIUM_PATH to use another), driven by playwright-core: the probe, widgets and report pages. A
 * missing browser fails the test (CI installs it): a browser test must not pass by skipping. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** A headless Chromium with nothing running in the background (no network of its own, no updates, no sync). */
export async function launchChromium(): Promise<import('playwright-core').Browser> {
  const {chromium} = await import('playwright-core')
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}
