// Cache sizes as typed by a user: `100,1000,5k` or `100..10k:8` (8 log-spaced sizes).
import { InputError } from './inputError.js'

/** The largest cache @cache/core builds (`maxSize` up to 2^30). */
export const MAX_CACHE_SIZE = 2 ** 30

/** The most sizes one run may sweep. */
export const MAX_SIZES = 64

/** The sizes a fresh page and the CLI sweep: 8 log-spaced sizes from 100 to 10,000. */
export const DEFAULT_SIZES = '100..10k:8'

const NUMBER = /^(\d+(?:\.\d+)?)([kKmM]?)$/
const RANGE = /^(.+?)\.\.(.+?)(?::(\d+))?$/

/**
 * Parses a list of cache sizes: comma-separated items, each a size (`500`, `5k`, `2M`) or a
 * range `from..to:steps`, `steps` sizes spaced evenly on a log scale from `from` to `to`
 * (default 8). Returns the sizes sorted, without duplicates.
 *
 * @example
 * ```ts
 * parseSizes('100..10k:3') // [100, 1000, 10000]
 * ```
 * @throws {InputError} naming the offending item and what a size must be.
 */
export function parseSizes(text: string): number[] {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
  if (items.length === 0) {
    throw new InputError('sizes', 'give at least one cache size, e.g. 100,1000 or 100..10k:8', text)
  }
  const sizes = new Set<number>()
  for (const item of items) {
    const range = RANGE.exec(item)
    if (range === null) sizes.add(size(item, item))
    else for (const value of logRange(range, item)) sizes.add(value)
  }
  if (sizes.size > MAX_SIZES) {
    throw new InputError(
      'sizes',
      `at most ${MAX_SIZES} cache sizes per run, got ${sizes.size} from "${text}"`,
      text,
    )
  }
  return [...sizes].sort((a, b) => a - b)
}

function logRange(match: RegExpExecArray, item: string): number[] {
  const from = size(match[1]!.trim(), item)
  const to = size(match[2]!.trim(), item)
  const steps = match[3] === undefined ? 8 : Number(match[3])
  if (to < from) {
    throw new InputError('sizes', `a range must go up, got "${item}"`, item)
  }
  if (steps < 1 || steps > MAX_SIZES) {
    throw new InputError('sizes', `a range has 1 to ${MAX_SIZES} steps, got "${item}"`, item)
  }
  if (steps === 1) return [from]
  const ratio = (to / from) ** (1 / (steps - 1))
  const values: number[] = []
  for (let i = 0; i < steps; i++) values.push(i === steps - 1 ? to : Math.round(from * ratio ** i))
  return values
}

function size(text: string, item: string): number {
  const match = NUMBER.exec(text)
  const multiplier = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 }[match?.[2] ?? '']
  const value = match === null || multiplier === undefined ? NaN : Number(match[1]) * multiplier
  if (!Number.isInteger(value) || value < 1 || value > MAX_CACHE_SIZE) {
    const where = item === text ? '' : ` in "${item}"`
    throw new InputError(
      'sizes',
      `a cache size must be a positive integer up to ${MAX_CACHE_SIZE}, got: "${text}"${where}`,
      text,
    )
  }
  return value
}
