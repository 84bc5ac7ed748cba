// Checks the resilience options, `failSafe` and `timeouts`, once at creation (validateOptions.ts
// calls these): durations in ms or any form `parseDuration` reads, as `autoRemoveExpired`.
import { parseDuration } from '@cache/expiry'

import type { FailSafeConfig } from './config.js'
import { configError, type TimeoutOption } from './errors.js'
import { readOptions } from './validateOptions.js'

const DEFAULT_THROTTLE_MS = 30_000
const DURATION = "a positive number of milliseconds or a duration such as '30s'"

/**
 * A duration option in ms: a positive number of ms (`Infinity` when `infinite`), or a duration
 * string. `undefined` stays `undefined`.
 *
 * @throws {CacheConfigError} naming `option` and the value.
 */
export function durationMs(option: string, value: unknown, infinite: boolean): number | undefined {
  if (value === undefined) return undefined
  const expected = infinite ? `${DURATION}, or Infinity` : DURATION
  let ms: number
  if (typeof value === 'number') ms = value
  else if (typeof value === 'string') {
    try {
      ms = parseDuration(value)
    } catch (error) {
      throw configError(option, expected, value, error)
    }
  } else throw configError(option, expected, value)
  if (!(ms > 0) || (!infinite && !Number.isFinite(ms))) throw configError(option, expected, value)
  return ms
}

/** The `failSafe` option: `undefined` when off. */
export function checkFailSafe(value: unknown): FailSafeConfig | undefined {
  if (value === undefined || value === false) return undefined
  if (typeof value !== 'object' || value === null) {
    throw configError('failSafe', '{ maxStale, throttle?, enabled? }, or false', value)
  }
  const o = readOptions(value, ['maxStale', 'throttle', 'enabled'])
  if (o.maxStale === undefined) {
    throw configError('failSafe.maxStale', `${DURATION}, or Infinity`, undefined)
  }
  const maxStaleMs = durationMs('failSafe.maxStale', o.maxStale, true)!
  const throttleMs = durationMs('failSafe.throttle', o.throttle, false) ?? DEFAULT_THROTTLE_MS
  const enabled = o.enabled ?? true
  if (typeof enabled !== 'boolean') throw configError('failSafe.enabled', 'a boolean', enabled)
  return { maxStaleMs, throttleMs, enabled }
}

/** The hard and soft bounds read from `timeouts` (and `timeoutMs`), and which option set `hard`. */
export interface CheckedTimeouts {
  readonly hardMs: number | undefined
  readonly softMs: number | undefined
  readonly hardOption: TimeoutOption
}

/** `timeouts` with `timeoutMs`: the hard bound (either name, not both) and the soft one. */
export function checkTimeouts(
  value: unknown,
  timeoutMs: number | undefined,
  failSafe: FailSafeConfig | undefined,
): CheckedTimeouts {
  if (value === undefined) return { hardMs: timeoutMs, softMs: undefined, hardOption: 'timeoutMs' }
  if (typeof value !== 'object' || value === null) {
    throw configError('timeouts', '{ soft?, hard? }', value)
  }
  const o = readOptions(value, ['soft', 'hard'])
  const hardMs = durationMs('timeouts.hard', o.hard, false)
  if (hardMs !== undefined && timeoutMs !== undefined) {
    throw configError(
      'timeouts.hard',
      'left out when `timeoutMs` is given (they are one bound: give one of them)',
      o.hard,
    )
  }
  const softMs = checkSoft(o.soft, failSafe)
  return hardMs === undefined
    ? { hardMs: timeoutMs, softMs, hardOption: 'timeoutMs' }
    : { hardMs, softMs, hardOption: 'timeouts.hard' }
}

/** `timeouts.soft` in ms (the cache's or a call's): only on a cache with `failSafe`. */
function checkSoft(value: unknown, failSafe: FailSafeConfig | undefined): number | undefined {
  const softMs = durationMs('timeouts.soft', value, false)
  if (softMs !== undefined && failSafe === undefined) {
    throw configError(
      'timeouts.soft',
      'given with `failSafe` (a soft timeout serves a stale value, which fail-safe keeps)',
      value,
    )
  }
  return softMs
}
