import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

/** Debian's Chromium, which `.ci/run` installs with apt-get (Playwright cannot download browsers here). */
export const CHROMIUM_PATH = '/usr/bin/chromium'

/** Headless as root, and no calls home: the machine's closed network refuses them. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

const inCi = (): boolean => {
  const ci = process.env['CI']
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0'
}

/**
 * True when the browser tests can run. In CI they always run (a missing Chromium fails them);
 * elsewhere a machine without Chromium skips them with one line saying how to install it.
 */
export function browserTestsRun(): boolean {
  if (inCi() || existsSync(CHROMIUM_PATH)) return true
  console.log(
    `Skipping the dashboard browser tests: no Chromium at ${CHROMIUM_PATH}. Install it with: sudo apt-get install -y chromium`,
  )
  return false
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS })
}
