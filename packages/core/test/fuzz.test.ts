// Hostile input for every entry point of @cache/core that takes user input (issue 17): the outcome
// is success or a CacheError with its code; never another error, a hang or a crash; and no
// built-in prototype changes. `FUZZ_RUNS=5000 pnpm fuzz` runs it longer.
import {
  assertPrototypesUnchanged,
  documentedOutcome,
  fuzzRuns,
  HostileError,
  hostileOptions,
  type Hostile,
  hostileValue,
} from '@cache/internal/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import {
  CacheConfigError,
  CacheError,
  createCache,
  loopTrace,
  POLICIES,
  scanMixTrace,
  simulate,
  uniformTrace,
  zipfTrace,
  type EvictionCache,
  type PolicyName,
} from '../src/index.js'

const CODES = new Set(['ERR_CACHE_CONFIG', 'ERR_CACHE_TTL', 'ERR_CACHE_WEIGHT'])
const isCacheError = (error: unknown): boolean =>
  error instanceof CacheError && CODES.has(error.code) && typeof error.message === 'string'
const isConfigError = (error: unknown): boolean =>
  error instanceof CacheConfigError && error.code === 'ERR_CACHE_CONFIG'

const OPTION_NAMES = [
  'policy',
  'maxSize',
  'ttl',
  'maxWeight',
  'weigh',
  'onEvict',
  'now',
  'smallRatio',
  'promotionThreshold',
  'windowRatio',
  'adaptive',
  'seed',
]

// Sizes that are valid but small, or invalid: a valid size of millions would only be slow.
const size = fc.oneof(
  fc.integer({ min: -2, max: 50 }),
  fc.constantFrom(0.5, Number.NaN, 2 ** 53, 2 ** 30 + 1, 10n, '8', null, undefined),
)

describe('createCache with hostile options', () => {
  it('creates a cache or throws CacheConfigError', () => {
    fc.assert(
      fc.property(
        hostileOptions(OPTION_NAMES, { policy: fc.constantFrom(...POLICIES), maxSize: size }),
        (options) => {
          documentedOutcome(() => {
            const cache = createCache(options() as { maxSize: number })
            cache.set('k', 1)
          }, isCacheError)
        },
      ),
      { numRuns: fuzzRuns(300) },
    )
  })
})

describe('trace generators and simulate with hostile options', () => {
  const traceOptions = ['length', 'keys', 'seed', 'skew', 'hotKeys', 'scanEvery', 'scanLength']
  const generators = [zipfTrace, uniformTrace, loopTrace, scanMixTrace] as ((
    options: unknown,
  ) => Int32Array)[]

  it('make a trace or throw CacheConfigError, and never hang', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...generators),
        hostileOptions(traceOptions, { length: size, keys: size }),
        (generate, options) => {
          documentedOutcome(() => {
            const trace = generate(options())
            expect(trace).toBeInstanceOf(Int32Array)
          }, isConfigError)
        },
      ),
      { numRuns: fuzzRuns(300) },
    )
  })

  it('simulate replays or throws CacheConfigError', () => {
    fc.assert(
      fc.property(
        hostileOptions(['onProgress', 'progressEvery']),
        fc.array(hostileValue, { maxLength: 5 }),
        (options, accesses) => {
          documentedOutcome(
            () =>
              simulate(
                accesses.map((access) => access()),
                createCache({ maxSize: 3 }),
                options() as never,
              ),
            isConfigError,
          )
        },
      ),
      { numRuns: fuzzRuns(200) },
    )
  })
})

type Op =
  | { op: 'set'; key: unknown; value: number; weight: unknown; ttl: unknown }
  | { op: 'get' | 'peek' | 'has' | 'delete'; key: unknown }
  | { op: 'purge' | 'clear' | 'iterate' }

// Keys are made once per run, so that a key set can be read back by identity.
const key = fc.oneof(fc.integer({ min: -3, max: 12 }), hostileValue)
const operation: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('set' as const),
      key,
      value: fc.nat(),
      weight: fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 4 }), hostileValue),
      ttl: fc.oneof(fc.constant(undefined), fc.constant(undefined), hostileValue),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constantFrom('get' as const, 'peek', 'has', 'delete'), key }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constantFrom('purge' as const, 'clear', 'iterate') }),
  },
)

/** What a generated field stands for: a hostile maker is called, anything else is as is. */
function made(value: unknown): unknown {
  return typeof value === 'function' ? (value as Hostile)() : value
}

// A clock that stands still: nothing expires during a run but what expires at once.
const NOW = 1000

function isOwnError(error: unknown): boolean {
  return isCacheError(error) || error instanceof HostileError
}

describe.each(POLICIES)('%s under hostile keys and throwing callbacks', (policy: PolicyName) => {
  it('stays within its bounds and keeps the last successful set readable', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(Infinity, 6),
        fc.array(operation, { maxLength: 80 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }),
        (maxSize, maxWeight, ops, failures) => {
          let call = 0
          // onEvict and weigh throw when the failure pattern says so.
          const fail = (): boolean => failures[call++ % failures.length]!
          const cache: EvictionCache<unknown, number> = createCache<unknown, number>({
            policy,
            maxSize,
            maxWeight,
            onEvict: () => {
              if (fail()) throw new HostileError('onEvict')
            },
            now: () => NOW,
            weigh: (value: number) => {
              if (fail()) throw new HostileError('weigh')
              return 1 + (value % 3)
            },
          } as { maxSize: number })
          for (const op of ops) {
            const opKey = 'key' in op ? made(op.key) : undefined
            try {
              switch (op.op) {
                case 'set': {
                  const ttl = made(op.ttl)
                  const options =
                    op.weight === undefined && op.ttl === undefined
                      ? undefined
                      : ({ weight: made(op.weight), ttl } as never)
                  cache.set(opKey, op.value, options)
                  // Returned normally: the entry is stored and readable, unless its TTL is too
                  // small to move the clock (1000 + 5e-324 is 1000: expired at once).
                  if (typeof ttl !== 'number' || NOW + ttl > NOW) {
                    expect(cache.peek(opKey)).toBe(op.value)
                  }
                  break
                }
                case 'purge':
                  cache.purgeExpired()
                  break
                case 'clear':
                  cache.clear()
                  break
                case 'iterate':
                  expect([...cache.keys()].length).toBeLessThanOrEqual(cache.size)
                  break
                default:
                  cache[op.op](opKey)
              }
            } catch (error) {
              if (!isOwnError(error)) throw error
            }
            expect(cache.size).toBeLessThanOrEqual(maxSize)
            expect(cache.weight).toBeLessThanOrEqual(maxWeight)
            // `size` counts expired entries not yet removed; iteration skips them.
            expect([...cache.keys()].length).toBeLessThanOrEqual(cache.size)
          }
          assertPrototypesUnchanged()
        },
      ),
      { numRuns: fuzzRuns(100) },
    )
  })
})
