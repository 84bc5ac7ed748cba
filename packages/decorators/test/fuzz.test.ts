// Hostile input for the entry points of @cache/decorators that take user input (issue 17): the
// options of `new AsyncCache()` and `cached()`, per-call options and keys. The outcome is success
// or a CacheConfigError with its code; never another error, a hang or a crash; and no built-in
// prototype changes. `FUZZ_RUNS=5000 pnpm fuzz` runs it longer.
import {
  documentedOutcome,
  fuzzRuns,
  hostileOptions,
  hostileValue,
  type Hostile,
} from '@cache/internal/testing'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'

import { AsyncCache, cached, CacheConfigError } from '../src/index.js'
import { CACHE_OPTION_NAMES } from '../src/validateOptions.js'

const isConfigError = (error: unknown): boolean =>
  error instanceof CacheConfigError && error.code === 'ERR_CACHE_CONFIG'

const KEY_OPTION_NAMES = ['key', 'skipArgs', 'ignoreArgs', 'ignoreProps', 'paramNames']
const FUNCTION_OPTION_NAMES = [
  ...CACHE_OPTION_NAMES.filter((name) => name !== 'batch'),
  ...KEY_OPTION_NAMES,
  'enabled',
  'async',
]

// Valid but small sizes, or invalid ones: a valid size of millions would only be slow.
const size = fc.oneof(
  fc.integer({ min: -2, max: 20 }),
  fc.constantFrom(null, 0.5, Number.NaN, 2 ** 30 + 1, 10n, '8', undefined),
)

afterEach(() => {
  vi.useRealTimers()
})

describe('new AsyncCache() with hostile options', () => {
  it('creates a working cache or throws CacheConfigError', async () => {
    vi.useFakeTimers()
    await fc.assert(
      fc.asyncProperty(hostileOptions(CACHE_OPTION_NAMES, { maxSize: size }), async (options) => {
        let cache: AsyncCache<string, number> | undefined
        documentedOutcome(() => {
          cache = new AsyncCache<string, number>(options() as never)
        }, isConfigError)
        if (cache === undefined) return
        // A cache that was created keeps a value (or says why not, with the documented error)
        // and answers a hit without waiting on anything.
        const created = cache
        documentedOutcome(() => created.set('k', 1), isConfigError)
        const entry = created.peek('k')
        if (entry !== undefined && !entry.isError) expect(await created.get('k')).toBe(1)
        await cache.destroy()
      }),
      { numRuns: fuzzRuns(200) },
    )
  })
})

describe('cached() with hostile options', () => {
  it('wraps the function or throws CacheConfigError, sync and async', () => {
    fc.assert(
      fc.property(
        hostileOptions(FUNCTION_OPTION_NAMES, { maxSize: size }),
        fc.boolean(),
        (options, declaredAsync) => {
          documentedOutcome(() => {
            const fn = declaredAsync
              ? async (a: number): Promise<number> => Promise.resolve(a + 1)
              : (a: number): number => a + 1
            const wrapped = cached(fn, options() as never)
            expect(typeof wrapped).toBe('function')
          }, isConfigError)
        },
      ),
      { numRuns: fuzzRuns(300) },
    )
  })
})

describe('AsyncCache calls with hostile keys and per-call options', () => {
  type Call = (cache: AsyncCache<unknown, number>, key: unknown, option: unknown) => unknown
  const calls: Record<string, Call> = {
    get: (cache, key, ttl) => cache.get(key, () => 1, { ttl } as never),
    set: (cache, key, ttl) => cache.set(key, 1, { ttl } as never),
    has: (cache, key) => cache.has(key),
    peek: (cache, key) => cache.peek(key),
    delete: (cache, key) => cache.delete(key),
  }

  it('each call succeeds or throws CacheConfigError, and the cache keeps working', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.constantFrom(...Object.keys(calls)),
            fc.oneof(fc.string({ maxLength: 3 }), hostileValue),
            fc.oneof(fc.constant(undefined), fc.constant(1000), hostileValue),
          ),
          { maxLength: 20 },
        ),
        async (steps) => {
          const cache = new AsyncCache<unknown, number>({ maxSize: 4 })
          const made = (value: unknown): unknown =>
            typeof value === 'function' ? (value as Hostile)() : value
          for (const [name, key, option] of steps) {
            let result: unknown
            documentedOutcome(() => {
              result = calls[name]!(cache, made(key), made(option))
            }, isConfigError)
            if (result instanceof Promise) {
              await result.catch((error: unknown) => {
                if (!isConfigError(error)) throw error
              })
            }
          }
          cache.set('last', 7)
          expect(await cache.get('last')).toBe(7)
          expect(cache.size).toBeLessThanOrEqual(4)
          await cache.destroy()
        },
      ),
      { numRuns: fuzzRuns(200) },
    )
  })
})
