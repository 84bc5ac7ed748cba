// The soak's goals as soft assertions, each reported on its own: what the soak tests assert on
// a run's figures (`pnpm soak` prints them with GOALS in summary.ts).
import { expect } from 'vitest'

import type { SoakResult } from './soak.js'

/** Asserts every goal of `result` softly: a missed goal fails the test after the others ran. */
export function expectGoals(result: SoakResult): void {
  expect.soft(result.wrong, 'wrong values').toBe(0)
  expect.soft(result.stale, 'values stale beyond ttl').toBe(0)
  // A write that lands late (after a pause) must not outlive the expiry fixed when it was sent.
  expect.soft(result.pastExpiry, 'values served past their own expiry').toBe(0)
  expect.soft(result.errors, `errors to callers: ${result.errorSample.join('; ')}`).toBe(0)
  expect.soft(result.overBound, `calls over ${result.bound.totalMs} ms`).toBe(0)
  expect.soft(result.loadsPerExpiry, 'loads per hot key per expiry').toBeLessThanOrEqual(1)
  expect
    .soft(result.linesPerOutage, `console lines per outage: ${result.consoleSample.join(' / ')}`)
    .toBeLessThanOrEqual(2)
}
