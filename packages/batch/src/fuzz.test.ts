// Hostile input against every public entry point of Batcher: whatever the options, keys and
// batch function, the outcome is success or a BatchError with its code (or, as documented, the
// caller's own error: an Error a batch function put in a slot, what a keyFn threw, the abort
// reason); never another error, a load left pending once its batch function settled or timed
// out, an unhandled rejection (vitest fails the run on one), or a change to Object.prototype.
// Runs are bounded; `pnpm fuzz` (FUZZ_RUNS=2000) runs longer.
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { BatchError, type BatchErrorCode } from './batchError.js'
import { Batcher, type BatchFn } from './batcher.js'
import { checkBatcherOptions } from './options.js'

const RUNS = Number(process.env.FUZZ_RUNS ?? 60)

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** What Object.prototype looks like: its own keys and their descriptors. */
function prototypeShape(): string {
  const proto = Object.prototype as Record<PropertyKey, unknown>
  return Reflect.ownKeys(proto)
    .map((key) => {
      const d = Object.getOwnPropertyDescriptor(proto, key)!
      return `${String(key)}:${typeof d.value}:${String(d.writable)}:${String(d.enumerable)}`
    })
    .join('|')
}

/**
 * Errors this test's own code throws or returns (batch functions, keyFn, getters, Proxy traps):
 * documented to reach the caller as they are.
 */
class Own extends Error {}

function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {})
  revoke()
  return proxy
}

function throwingGetters(): object {
  const boom = (): never => {
    throw new Own('getter')
  }
  return Object.defineProperties({}, { id: { get: boom, enumerable: true }, then: { get: boom } })
}

function trappedProxy(): object {
  const boom = (): never => {
    throw new Own('trap')
  }
  return new Proxy([], { get: boom, has: boom, ownKeys: boom, getPrototypeOf: boom })
}

function cyclic(): object {
  const a: Record<string, unknown> = { name: 'a' }
  a.self = a
  return a
}

function deep(depth: number): object {
  let value: object = {}
  for (let i = 0; i < depth; i++) value = { value }
  return value
}

/**
 * Values a caller should never give, and a few it may. Each is made by a recipe, called inside
 * the property: fast-check itself would trip over a Proxy whose traps throw.
 */
type Recipe = () => unknown
const plainValues: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ withBigInt: true, withMap: true, withSet: true, withNullPrototype: true }),
  fc.constantFrom<unknown>(
    NaN,
    Infinity,
    -Infinity,
    1e308,
    -0,
    2 ** 53,
    2 ** 30,
    -(2 ** 31),
    '__proto__',
    'constructor',
    'prototype',
    '',
    '\uD800',
    '🙂'.repeat(40),
    'k'.repeat(3000),
    Symbol('s'),
    10n,
    null,
    undefined,
  ),
  fc.string({ maxLength: 200, unit: 'binary' }),
)
const recipes: fc.Arbitrary<Recipe> = fc.oneof(
  { weight: 6, arbitrary: plainValues.map((value) => () => value) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Recipe>(
      revoked,
      throwingGetters,
      trappedProxy,
      cyclic,
      () => deep(5000),
      () => JSON.parse('{"__proto__": {"polluted": 1}}') as unknown,
    ),
  },
)

/** An option: valid, or hostile. */
function option<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<Recipe> {
  return fc.oneof(
    { weight: 3, arbitrary: valid.map((value) => () => value) },
    { weight: 1, arbitrary: recipes },
  )
}

const CODES: readonly BatchErrorCode[] = [
  'ERR_BATCH_FN',
  'ERR_BATCH_TIMEOUT',
  'ERR_BATCH_CONFIG',
  'ERR_BATCH_KEY',
]

function isBatchError(error: unknown, codes: readonly BatchErrorCode[] = CODES): boolean {
  return error instanceof BatchError && codes.includes(error.code)
}

describe('fuzz: new Batcher(batchFn, options) and checkBatcherOptions(options)', () => {
  it('constructs or throws ERR_BATCH_CONFIG, for any options', () => {
    const before = prototypeShape()
    const options = fc.oneof(
      recipes,
      fc
        .record(
          {
            windowMs: option(fc.integer({ min: 0, max: 50 })),
            maxBatchSize: option(fc.integer({ min: 1, max: 20 })),
            keyFn: option(fc.constant((key: unknown) => key)),
            concurrency: option(fc.integer({ min: 1, max: 3 })),
            signal: option(fc.constant(new AbortController().signal)),
            timeoutMs: option(fc.integer({ min: 1, max: 50 })),
            cache: option(fc.boolean()),
          },
          { requiredKeys: [] },
        )
        .map((record) => () => {
          const made: Record<string, unknown> = {}
          for (const [name, recipe] of Object.entries(record)) made[name] = recipe()
          return made
        }),
    )
    fc.assert(
      fc.property(
        options,
        option(fc.constant((keys: unknown[]) => Promise.resolve(keys))),
        (makeOptions, makeFn) => {
          const opts = makeOptions()
          const fn = makeFn()
          for (const attempt of [
            () => new Batcher(fn as BatchFn<unknown, unknown>, opts as never),
            () => {
              checkBatcherOptions(opts)
            },
          ]) {
            try {
              attempt()
            } catch (error) {
              expect(isBatchError(error, ['ERR_BATCH_CONFIG']), String(error)).toBe(true)
            }
          }
        },
      ),
      { numRuns: RUNS * 5 },
    )
    expect(prototypeShape()).toBe(before)
  })
})

/** How a fuzzed batch function misbehaves. */
type Behaviour =
  | 'values'
  | 'errors'
  | 'short'
  | 'throw'
  | 'reject'
  | 'hostile'
  | 'hostileValues'
  | 'map'
  | 'record'
  | 'sync'
  | 'never'

const behaviours: readonly Behaviour[] = [
  'values',
  'errors',
  'short',
  'throw',
  'reject',
  'hostile',
  'hostileValues',
  'map',
  'record',
  'sync',
  'never',
]

type Op =
  | { load: Recipe }
  | { loadMany: Recipe }
  | { prime: Recipe; value: Recipe }
  | { clear: Recipe }
  | { clearAll: true }
  | { wait: number }
  | { abort: true }

const small: fc.Arbitrary<Recipe> = fc.nat(9).map((n) => () => n)
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 30, arbitrary: fc.record({ load: fc.oneof(small, recipes) }) },
  {
    weight: 10,
    arbitrary: fc.record({
      loadMany: fc.oneof(
        fc
          .array(fc.oneof(small, recipes), { maxLength: 5 })
          .map((keys) => () => keys.map((key) => key())),
        recipes,
      ),
    }),
  },
  { weight: 5, arbitrary: fc.record({ prime: recipes, value: recipes }) },
  { weight: 5, arbitrary: fc.record({ clear: recipes }) },
  { weight: 5, arbitrary: fc.constant({ clearAll: true as const }) },
  { weight: 10, arbitrary: fc.record({ wait: fc.constantFrom(0, 1, 5, 20) }) },
  { weight: 1, arbitrary: fc.constant({ abort: true as const }) },
)

describe('fuzz: load, loadMany, prime, clear with hostile keys and misbehaving batch functions', () => {
  it('settles every load with a value, a BatchError, or the caller’s own error', async () => {
    const before = prototypeShape()
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { maxLength: 25 }),
        fc.array(fc.constantFrom(...behaviours), { minLength: 1, maxLength: 4 }),
        fc.record({
          windowMs: fc.constantFrom(0, 5),
          maxBatchSize: fc.constantFrom(1, 2, 3, 100, Infinity),
          concurrency: fc.constantFrom(1, 2, Infinity),
          cache: fc.boolean(),
          timeout: fc.boolean(),
          keyFn: fc.constantFrom('none', 'identity', 'throws', 'hostile'),
        }),
        recipes,
        async (ops, plan, config, makeResult) => {
          const hostileResult = makeResult()
          const controller = new AbortController()
          let call = 0
          const batchFn = (keys: unknown[]): unknown => {
            const behaviour = plan[call++ % plan.length]!
            switch (behaviour) {
              case 'values':
                return Promise.resolve(keys.map((_, i) => i))
              case 'errors':
                return Promise.resolve(keys.map((_, i) => (i % 2 === 0 ? new Own('slot') : i)))
              case 'short':
                return Promise.resolve(keys.slice(1))
              case 'throw':
                throw new Own('thrown')
              case 'reject':
                // A batch function may reject with anything; that is the point here.
                // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
                return Promise.reject(hostileResult)
              case 'hostile':
                return Promise.resolve(hostileResult)
              case 'hostileValues':
                return keys.map(() => hostileResult)
              case 'map':
                return new Map(keys.slice(1).map((key) => [key, 1]))
              case 'record':
                return { ...Object.fromEntries([['0', 1]]) }
              case 'sync':
                return keys.map(() => 'v')
              case 'never':
                // Only with a timeout: without one, waiting forever is the documented outcome.
                return config.timeout ? new Promise(() => undefined) : keys
            }
          }
          const keyFn =
            config.keyFn === 'none'
              ? undefined
              : config.keyFn === 'identity'
                ? (key: unknown) => key
                : config.keyFn === 'throws'
                  ? (key: unknown) => {
                      if (typeof key !== 'number') throw new Own('keyFn')
                      return key
                    }
                  : () => hostileResult
          const batcher = new Batcher(batchFn as BatchFn<unknown, unknown>, {
            windowMs: config.windowMs,
            maxBatchSize: config.maxBatchSize,
            concurrency: config.concurrency,
            cache: config.cache,
            keyFn,
            signal: controller.signal,
            timeoutMs: config.timeout ? 50 : undefined,
          })
          const outcomes: { settled: boolean; error?: unknown }[] = []
          const watch = (promise: unknown): void => {
            expect(promise).toBeInstanceOf(Promise)
            const outcome: { settled: boolean; error?: unknown } = { settled: false }
            outcomes.push(outcome)
            ;(promise as Promise<unknown>).then(
              () => {
                outcome.settled = true
              },
              (error: unknown) => {
                outcome.settled = true
                outcome.error = error
              },
            )
          }
          /** A synchronous throw from prime, clear or loadMany: only these are documented. */
          const sync = (fn: () => unknown, codes: readonly BatchErrorCode[]): unknown => {
            try {
              return fn()
            } catch (error) {
              expect(isBatchError(error, codes) || error instanceof Own, String(error)).toBe(true)
              return undefined
            }
          }
          for (const o of ops) {
            if ('load' in o) watch(batcher.load(o.load()))
            else if ('loadMany' in o) {
              const many = sync(
                () => batcher.loadMany(o.loadMany() as Iterable<unknown>),
                ['ERR_BATCH_KEY'],
              )
              if (many !== undefined) {
                watch(many)
                // loadMany never rejects: each element is a value or an Error.
                void (many as Promise<unknown[]>).then((values) => {
                  for (const value of values) {
                    if (value instanceof Error) expect(allowed(value, controller)).toBe(true)
                  }
                })
              }
            } else if ('prime' in o) {
              sync(() => batcher.prime(o.prime(), o.value()), ['ERR_BATCH_KEY'])
            } else if ('clear' in o) {
              sync(() => batcher.clear(o.clear()), ['ERR_BATCH_KEY'])
            } else if ('clearAll' in o) {
              batcher.clearAll()
            } else if ('abort' in o) {
              controller.abort()
            } else {
              await vi.advanceTimersByTimeAsync(o.wait)
            }
          }
          // Every window ends and every batch settles or times out (concurrency 1 and up to 25
          // batches each timing out after 50 ms: 2 s is plenty).
          for (let i = 0; i < 40; i++) await vi.advanceTimersByTimeAsync(50)
          for (const outcome of outcomes) {
            expect(outcome.settled).toBe(true)
            if ('error' in outcome) {
              expect(allowed(outcome.error, controller), String(outcome.error)).toBe(true)
            }
          }
        },
      ),
      { numRuns: RUNS },
    )
    expect(prototypeShape()).toBe(before)
  })
})

/** A documented rejection: a BatchError, the caller's own error, or the abort reason. */
function allowed(error: unknown, controller: AbortController): boolean {
  if (isBatchError(error) || error instanceof Own) return true
  if (controller.signal.aborted && error === controller.signal.reason) return true
  // loadMany wraps a non-Error abort reason; none here, so nothing else is allowed.
  return false
}
