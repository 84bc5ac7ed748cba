// Finds (installing when missing) the system Chromium the end-to-end test drives.
import { execSync } from 'node:child_process'

import { chromium, type Browser } from 'playwright-core'

const EXECUTABLE = '/usr/bin/chromium'

/**
 * Installs Debian's `chromium` with apt when it is not on the PATH. Idempotent: it does nothing
 * when Chromium is already there (the test runs as root in CI and in the dev container).
 */
export function ensureChromium(): void {
  execSync('command -v chromium || (apt-get update && apt-get install -y chromium)', {
    shell: '/bin/bash',
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
