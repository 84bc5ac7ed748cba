import { ExpiryParseError } from './expiryParseError.js'

/** How {@link formatDuration} writes a duration. */
export interface FormatDurationOptions {
  /**
   * `'human'`: number-unit pairs, largest first, zero parts left out (`'1d 2h 3m 4s 5ms 6us'`,
   * `'-1h 30m'`, `'0s'`). `'iso'`: ISO 8601 with days as the largest unit (`'P1DT2H3M4.005006S'`,
   * `'-PT1H30M'`, `'PT0S'`).
   * @default 'human'
   */
  style?: 'human' | 'iso'
}

const EXPECTED = 'a finite number of milliseconds to format'
const EXPECTED_SIZE =
  'a number of milliseconds to format of magnitude below 1.79e305 (its count of microseconds ' +
  'must fit a number, or parseDuration could not read it back)'

const US_PER_MS = 1000n
const US_PER_S = 1_000_000n
const US_PER_M = 60n * US_PER_S
const US_PER_H = 60n * US_PER_M
const US_PER_D = 24n * US_PER_H

/**
 * Writes a number of milliseconds (rounded to whole microseconds) as a duration string that
 * {@link parseDuration} reads back to the same number.
 *
 * @example
 * ```ts
 * formatDuration(88_926_000) // '1d 42m 6s'
 * formatDuration(930_000.001) // '15m 30s 1us'
 * formatDuration(-5_400_000) // '-1h 30m'
 * formatDuration(43_200_000, { style: 'iso' }) // 'PT12H'
 * formatDuration(4_000.5, { style: 'iso' }) // 'PT4.0005S'
 * ```
 * `options` may be omitted, `undefined` or `null`.
 *
 * @throws {@link ExpiryParseError} when `ms` is not a finite number, or is so large (above about
 *   1.79e305) that its microseconds overflow a number.
 */
export function formatDuration(ms: number, options?: FormatDurationOptions | null): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new ExpiryParseError('duration', ms, EXPECTED)
  }
  // BigInt keeps every digit exact whatever the magnitude, so the text always round-trips.
  const rounded = Math.round(ms * 1000)
  if (!Number.isFinite(rounded)) {
    // Above about 1.8e305 ms, the count of microseconds overflows a number: parseDuration could
    // not read such a duration back.
    throw new ExpiryParseError('duration', ms, EXPECTED_SIZE)
  }
  let micros = BigInt(rounded)
  const sign = micros < 0n ? '-' : ''
  if (micros < 0n) micros = -micros
  const days = micros / US_PER_D
  const hours = (micros % US_PER_D) / US_PER_H
  const minutes = (micros % US_PER_H) / US_PER_M
  const seconds = (micros % US_PER_M) / US_PER_S
  const subSecond = micros % US_PER_S

  if (options?.style === 'iso') {
    if (micros === 0n) return 'PT0S'
    let time = ''
    if (hours > 0n) time += `${hours}H`
    if (minutes > 0n) time += `${minutes}M`
    if (seconds > 0n || subSecond > 0n) {
      const fraction =
        subSecond > 0n ? `.${subSecond.toString().padStart(6, '0').replace(/0+$/, '')}` : ''
      time += `${seconds}${fraction}S`
    }
    return `${sign}P${days > 0n ? `${days}D` : ''}${time === '' ? '' : `T${time}`}`
  }

  const parts: string[] = []
  const push = (value: bigint, unit: string): void => {
    if (value > 0n) parts.push(`${value}${unit}`)
  }
  push(days, 'd')
  push(hours, 'h')
  push(minutes, 'm')
  push(seconds, 's')
  push(subSecond / US_PER_MS, 'ms')
  push(subSecond % US_PER_MS, 'us')
  return parts.length === 0 ? '0s' : `${sign}${parts.join(' ')}`
}
