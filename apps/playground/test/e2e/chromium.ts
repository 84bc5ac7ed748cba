// Finds (installing when missing) the system Chromium the end-to-end test drives.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import { chromium, type Browser } from 'playwright-core'

const EXECUTABLE = '/usr/bin/chromium'
const APT_INSTALL = fileURLToPath(new URL('../../../../scripts/apt-install.sh', import.meta.url))

/**
 * Installs Debian's `chromium` with apt when it is not on the PATH. Idempotent: it does nothing
 * when Chromium is already there (the test runs as root in CI and in the dev container). The
 * repository's `scripts/apt-install.sh` waits for another test's apt-get (Redis's) instead of
 * failing on its lock.
 */
export function ensureChromium(): void {
  execFileSync('sh', [APT_INSTALL, 'chromium', 'chromium'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
}

/** Launches headless Chromium with the flags that keep it quiet and offline. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: EXECUTABLE,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}
