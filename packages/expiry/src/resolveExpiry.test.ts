import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest'

import { catchParseError } from '../test/catchParseError.js'
import type { CachedItem, ExpirySpec } from './compileExpiry.js'
import { resolveExpiry } from './resolveExpiry.js'

// aquiche's test_expiration.py runs at this frozen instant; so do these tests.
const NOW = Date.parse('2022-09-30T00:00:00Z')

function fetchedAt(iso: string, value: unknown = null): CachedItem {
  return { value, fetchedAt: Date.parse(iso), isError: false }
}

/** aquiche's question, "is it expired now?", asked of the ms resolveExpiry gives. */
function isExpired(spec: ExpirySpec, item: CachedItem): boolean {
  const expiresAt = resolveExpiry(spec, item)
  if (typeof expiresAt !== 'number') throw new Error('expected a sync result')
  return expiresAt <= Date.now()
}

describe('resolveExpiry', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(NOW)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each([
    ['2000-01-01T00:00:00Z', false],
    ['2022-01-01T00:00:00Z', false],
    ['2022-09-30T00:00:00Z', false],
  ])('never expires with null (fetched %s)', (fetched, expected) => {
    expect(isExpired(null, fetchedAt(fetched))).toBe(expected)
    expect(resolveExpiry(null, fetchedAt(fetched))).toBe(Infinity)
  })

  it.each([
    ['2000-01-01T00:00:00Z', true],
    ['2022-09-24T00:00:00Z', true],
    ['2022-09-29T00:00:00Z', true],
    ['2022-09-29T01:00:00Z', false],
  ])('refreshes every day (fetched %s: expired %s)', (fetched, expected) => {
    expect(isExpired({ days: 1 }, fetchedAt(fetched))).toBe(expected)
    expect(isExpired('1 day', fetchedAt(fetched))).toBe(expected)
    expect(isExpired(86_400, fetchedAt(fetched))).toBe(expected)
  })

  it.each([
    ['2000-01-01T00:00:00Z', true],
    ['2022-09-26T00:00:00Z', true],
  ])('expires after a fixed date (fetched %s)', (fetched, expected) => {
    const spec = new Date('2022-09-25T00:00:00Z')
    expect(isExpired(spec, fetchedAt(fetched))).toBe(expected)
    expect(isExpired('2022-09-25', fetchedAt(fetched))).toBe(expected)
  })

  it.each([
    ['2000-01-01T00:00:00Z', '1999-01-01', true],
    ['2022-09-24T00:00:00Z', 432_000, true],
    ['2022-09-29T00:00:00Z', 432_000, false],
  ])('follows a data pointer (fetched %s, value %j)', (fetched, expiration, expected) => {
    const item = fetchedAt(fetched, { data: { nested: { expiration } } })
    expect(isExpired('$.data.nested.expiration', item)).toBe(expected)
  })

  it('is always expired with true, whatever the clock says', () => {
    expect(resolveExpiry(true, fetchedAt('2022-09-30T00:00:00Z'))).toBe(-Infinity)
    vi.setSystemTime(0)
    expect(isExpired(true, fetchedAt('1970-01-01T00:00:00Z'))).toBe(true)
  })

  it('places a time of day on the current UTC date, not the machine-local one', () => {
    vi.setSystemTime(Date.parse('2022-09-30T23:30:00Z'))
    const item = fetchedAt('2022-09-30T23:00:00Z')
    expect(resolveExpiry('11:05:00Z', item)).toBe(Date.parse('2022-09-30T11:05:00Z'))
    expect(resolveExpiry('23:45:00Z', item)).toBe(Date.parse('2022-09-30T23:45:00Z'))
    vi.setSystemTime(Date.parse('2022-10-01T00:30:00Z'))
    expect(resolveExpiry('23:45:00Z', item)).toBe(Date.parse('2022-10-01T23:45:00Z'))
  })

  it('places a time of day on the date current in its own zone', () => {
    vi.setSystemTime(Date.parse('2022-09-30T20:00:00Z'))
    // 20:00Z is already 1 October at +06:00
    expect(resolveExpiry('11:05+06', fetchedAt('2022-09-30T20:00:00Z'))).toBe(
      Date.parse('2022-10-01T05:05:00Z'),
    )
  })

  it('takes now from the argument when given', () => {
    const item = fetchedAt('2022-09-30T00:00:00Z')
    expect(resolveExpiry('11:05:00Z', item, Date.parse('2030-06-01T12:00:00Z'))).toBe(
      Date.parse('2030-06-01T11:05:00Z'),
    )
  })

  it('resolves a sync function of the item to a number and an async one to a promise', async () => {
    const item = fetchedAt('2022-09-24T00:00:00Z', { data: { nested: { expiration_key: 'id1' } } })
    expect(resolveExpiry(() => 432_000, item)).toBe(Date.parse('2022-09-29T00:00:00Z'))
    const pending = resolveExpiry(() => Promise.resolve(432_000), item)
    expect(pending).toBeInstanceOf(Promise)
    await expect(pending).resolves.toBe(Date.parse('2022-09-29T00:00:00Z'))
  })

  it('follows a function found behind a data pointer', () => {
    const item = fetchedAt('2022-09-24T00:00:00Z', {
      data: { nested: { expiration: () => 432_000 } },
    })
    expect(isExpired('$.data.nested.expiration', item)).toBe(true)
  })

  it('tolerates a missing pointer target when asked to', () => {
    const item = fetchedAt('2022-09-29T00:00:00Z', { data: { nested: { random: 432_000 } } })
    expect(() => resolveExpiry('$.data.nested.expiration', item)).toThrow(
      "Invalid expiration '$.data.nested.expiration': expected the cached value to hold a value",
    )
    expect(
      resolveExpiry('$.data.nested.expiration', item, undefined, { ignoreMissing: true }),
    ).toBe(Infinity)
  })

  it('takes null options as omitted', () => {
    const item = fetchedAt('2022-09-29T00:00:00Z', 1)
    expect(resolveExpiry('10 minutes', item, undefined, null)).toBe(item.fetchedAt + 600_000)
  })

  it.each<[unknown]>([['P4Y'], ['abc'], [''], [Number.NaN], ['2012-13-01']])(
    'throws ExpiryParseError for %s',
    (spec) => {
      const error = catchParseError(() =>
        resolveExpiry(spec as ExpirySpec, fetchedAt('2022-01-01')),
      )
      expect(error.code).toBe('ERR_EXPIRY_PARSE')
      expect(error.input).toBe(spec)
    },
  )

  it('types static specs as sync', () => {
    const item = fetchedAt('2022-09-30T00:00:00Z')
    expectTypeOf(resolveExpiry(30, item)).toEqualTypeOf<number>()
    expectTypeOf(resolveExpiry(null, item)).toEqualTypeOf<number>()
    expectTypeOf(resolveExpiry(new Date(), item)).toEqualTypeOf<number>()
    expectTypeOf(resolveExpiry('$.a:ignore_missing', item)).toEqualTypeOf<
      number | Promise<number>
    >()
    expectTypeOf(resolveExpiry(() => 1, item)).toEqualTypeOf<number | Promise<number>>()
  })
})
