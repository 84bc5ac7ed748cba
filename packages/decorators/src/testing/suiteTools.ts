// What the L2 conformance cases share: the options a store author passes, each case's stores
// (created through the author's factory, closed afterwards), keys, writes, waiting in real time
// and on the suite's clock, and a subscriber that records what it is told.
import type { L2Store, L2Subscriber, L2Write } from '../l2.js'

/** What the suite asks of a store it creates; see {@link L2StoreFactory}. */
export interface L2StoreContext {
  /**
   * The cache this store belongs to. Stores created with the same namespace must share their
   * values, locks and invalidations (instances of one cache in several processes, on one
   * server); stores of different namespaces must not see each other's (for Redis: the key
   * prefix). New for each case, made of lowercase letters, digits and `-`.
   */
  readonly namespace: string
  /** How long a lock lives when its holder never releases it, in ms (its lease). */
  readonly lockLeaseMs: number
  /** How long `lock()` waits for another instance's lock before it gives up (`skipped`), in ms. */
  readonly lockWaitMs: number
}

/**
 * Creates a store for the suite, ready to use (connected). Called several times per case: once
 * per instance the case needs.
 */
export type L2StoreFactory<S extends L2Store = L2Store> = (
  context: L2StoreContext,
) => S | Promise<S>

/** A clock the suite can move: the store's notion of time, or real time. */
export interface L2SuiteClock {
  /** The time now, in ms. */
  now(): number
  /** Moves the store's time on by `ms` (a fake clock), or waits that long (real time). */
  advance(ms: number): void | Promise<void>
}

/** Options of `testL2Store` and `l2StoreCases`. */
export interface L2StoreSuiteOptions<S extends L2Store = L2Store> {
  /**
   * The store's clock, when the test controls it (as `memoryL2Store`'s server `now`): expiry
   * and lock leases are then checked by moving it, exactly. Without it the suite waits in real
   * time (a few tens of ms per expiry case) and allows 2 ms for clocks that count whole ms.
   * @default real time
   */
  readonly clock?: L2SuiteClock
  /**
   * The short time to live (and lock lease) the expiry cases use, in ms: the longest real wait
   * of a case is about this plus 10 ms. Raise it for a store whose expiry is coarser.
   * @default 30
   */
  readonly shortTtlMs?: number
  /**
   * Values the store must give back equal (`toEqual`) to what was written, besides the plain
   * ones it always must (strings, numbers, booleans, `null`, arrays, plain objects): add what
   * your serializer promises (dates, maps, `undefined`, …).
   * @default []
   */
  readonly values?: readonly unknown[]
  /**
   * Closes a store after its case.
   * @default calls the store's `close()` when it has one
   */
  readonly close?: (store: S) => unknown
  /**
   * Makes the server unreachable for the stores created so far (stop it, or cut the
   * connection) and resolves to the function that brings it back. Without it the cases of
   * the "unreachable server" group are skipped.
   */
  readonly makeUnreachable?: () =>
    (() => void | Promise<void>) | Promise<() => void | Promise<void>>
  /**
   * How long an invalidation or a lock's notice may take to reach another instance, in ms.
   * @default 2_000
   */
  readonly deliveryTimeoutMs?: number
  /**
   * How long each call may take to settle while the server is unreachable, in ms.
   * @default 2_000
   */
  readonly unreachableBoundMs?: number
  /**
   * How long the store may take to work again once the server is back, in ms.
   * @default 10_000
   */
  readonly recoveryTimeoutMs?: number
}

/** The options with their defaults, as the cases use them. */
export interface SuiteConfig<S extends L2Store> {
  readonly factory: L2StoreFactory<S>
  readonly clock: L2SuiteClock
  /** Whether `clock` is the store's own (exact) rather than real time. */
  readonly controlled: boolean
  /** Slack for clocks that count whole ms: 0 on a controlled clock. */
  readonly toleranceMs: number
  /** Added to a wait for expiry, so that the store's own clock has surely passed it. */
  readonly marginMs: number
  readonly shortTtlMs: number
  readonly values: readonly unknown[]
  readonly close: (store: S) => unknown
  readonly makeUnreachable: L2StoreSuiteOptions<S>['makeUnreachable']
  readonly deliveryTimeoutMs: number
  readonly unreachableBoundMs: number
  readonly recoveryTimeoutMs: number
}

/** The lock lease and wait of stores created without a case asking otherwise. */
export const LONG_LEASE_MS = 10_000
export const LONG_WAIT_MS = 5_000

const PLAIN_VALUES: readonly unknown[] = [
  'a string',
  '',
  0,
  -1.5,
  true,
  false,
  null,
  [1, 'two', [3]],
  { id: 7, name: 'Ada', tags: ['x', 'y'], nested: { deep: { ok: true } } },
]

/** Resolves after `ms` of real time. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

const realClock: L2SuiteClock = { now: () => Date.now(), advance: sleep }

/** Fills in the defaults of `options`. */
export function configOf<S extends L2Store>(
  factory: L2StoreFactory<S>,
  options: L2StoreSuiteOptions<S>,
): SuiteConfig<S> {
  const controlled = options.clock !== undefined
  return {
    factory,
    clock: options.clock ?? realClock,
    controlled,
    toleranceMs: controlled ? 0 : 2,
    marginMs: controlled ? 1 : 10,
    shortTtlMs: options.shortTtlMs ?? 30,
    values: [...PLAIN_VALUES, ...(options.values ?? [])],
    close: options.close ?? ((store) => (store as { close?: () => unknown }).close?.call(store)),
    makeUnreachable: options.makeUnreachable,
    deliveryTimeoutMs: options.deliveryTimeoutMs ?? 2_000,
    unreachableBoundMs: options.unreachableBoundMs ?? 2_000,
    recoveryTimeoutMs: options.recoveryTimeoutMs ?? 10_000,
  }
}

const run = Math.random().toString(36).slice(2, 8)
let cases = 0

/** One case's stores: created through the factory, all closed by {@link close}. */
export class CaseStores<S extends L2Store> {
  /** This case's cache; {@link other} is a second, unrelated one. */
  readonly namespace: string
  readonly other: string
  readonly #config: SuiteConfig<S>
  readonly #created: S[] = []

  constructor(config: SuiteConfig<S>) {
    this.#config = config
    const id = `l2-${run}-${cases++}`
    this.namespace = `${id}a`
    this.other = `${id}b`
  }

  /** A new instance; `namespace` defaults to the case's. */
  async create(context: Partial<L2StoreContext> = {}): Promise<S> {
    const store = await this.#config.factory({
      namespace: this.namespace,
      lockLeaseMs: LONG_LEASE_MS,
      lockWaitMs: LONG_WAIT_MS,
      ...context,
    })
    this.#created.push(store)
    return store
  }

  /** Closes every store created, whatever happens. */
  async close(): Promise<void> {
    const close = this.#config.close
    await Promise.allSettled(
      this.#created.map((store) => Promise.resolve().then(() => close(store))),
    )
  }
}

/** The `i`th key of a case: 32 lowercase hex digits, like every L2 key. */
export function keyAt(i: number): string {
  return `c0ffee${i.toString(16).padStart(26, '0')}`
}

/** A write of `value` under `key`. */
export function writeOf(
  key: string,
  value: unknown,
  ttlMs: number,
  extra: { isError?: boolean; fetchedAt?: number; ageMs?: number; tags?: readonly string[] } = {},
): L2Write {
  const write = {
    key,
    value,
    isError: extra.isError ?? false,
    fetchedAt: extra.fetchedAt ?? 1_700_000_000_000,
    ttlMs,
  }
  const aged = extra.ageMs === undefined ? write : { ...write, ageMs: extra.ageMs }
  return extra.tags === undefined ? aged : { ...aged, tags: extra.tags }
}

/** Polls `check` every 5 ms of real time until it holds; throws `message` after `ms`. */
export async function waitUntil(check: () => boolean, ms: number, message: string): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    if (check()) return
    if (Date.now() >= deadline) throw new Error(`${message} (waited ${ms} ms)`)
    await sleep(5)
  }
}

/** A promise's outcome, readable before it settles. */
export interface Watched<T> {
  readonly promise: Promise<T>
  settled: boolean
  value: T | undefined
  error: unknown
  rejected: boolean
}

/** Watches `promise` without letting a rejection go unhandled. */
export function watch<T>(promise: Promise<T>): Watched<T> {
  const watched: Watched<T> = {
    promise,
    settled: false,
    value: undefined,
    error: undefined,
    rejected: false,
  }
  promise.then(
    (value) => {
      watched.settled = true
      watched.value = value
    },
    (error: unknown) => {
      watched.settled = true
      watched.rejected = true
      watched.error = error
    },
  )
  return watched
}

/** `promise`'s outcome, or a failure naming `what` when it takes longer than `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} did not settle within ${ms} ms`))
    }, ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** A subscriber that records the invalidations it receives. */
export class Recorder implements L2Subscriber {
  readonly received: (readonly string[] | null)[] = []
  readonly errors: unknown[] = []
  /** The tag invalidations received, in order. */
  readonly tags: (readonly string[])[] = []

  invalidate(keys: readonly string[] | null): void {
    this.received.push(keys === null ? null : [...keys])
  }

  invalidateTags(tags: readonly string[]): void {
    this.tags.push([...tags])
  }

  /** Whether some tag invalidation received names `tag`. */
  coversTag(tag: string): boolean {
    return this.tags.some((tags) => tags.includes(tag))
  }

  error(error: unknown): void {
    this.errors.push(error)
  }

  /** Whether some invalidation received covers `key` (lists it, or is `null`: everything). */
  covers(key: string): boolean {
    return this.received.some((keys) => keys === null || keys.includes(key))
  }

  /** Whether an `invalidate(null)` was received. */
  get clearedAll(): boolean {
    return this.received.includes(null)
  }
}
