// The L2 contract as cases: what the engine (AsyncCache's second tier, l2Tier.ts and l2.ts)
// relies on a store for, one case per promise, each with the message a store author needs when
// it fails. `testL2Store` registers them with vitest; `l2StoreCases` hands them out to run by
// hand (the suite's own tests check that broken stores fail the cases they should).
import { describeValue, type ValueStyle } from '@cache/internal'
import { expect } from 'vitest'

import type { L2LockOptions, L2LockResult, L2Record, L2Store } from '../l2.js'
import {
  CaseStores,
  configOf,
  keyAt,
  LONG_LEASE_MS,
  Recorder,
  sleep,
  waitUntil,
  watch,
  within,
  writeOf,
  type L2StoreFactory,
  type L2StoreSuiteOptions,
  type SuiteConfig,
} from './suiteTools.js'

/** How a case went, when it did not fail (a failure rejects with the assertion's error). */
export type L2CaseOutcome =
  | { readonly status: 'passed' }
  | {
      readonly status: 'skipped'
      /** Why: the store lacks the optional method, or the suite lacks the option, it needs. */
      readonly reason: string
    }

/** One case of the L2 contract, ready to run against the factory it was made with. */
export interface L2StoreCase {
  /** The part of the contract: `'reads and writes'`, `'expiry'`, `'locks'`, … */
  readonly group: string
  /** What a conforming store does. */
  readonly title: string
  /** Runs the case on new stores and closes them; rejects when the store fails it. */
  run(): Promise<L2CaseOutcome>
}

type Body<S extends L2Store> = (
  stores: CaseStores<S>,
  config: SuiteConfig<S>,
) => Promise<L2CaseOutcome | undefined>

interface Spec<S extends L2Store> {
  readonly group: string
  readonly title: string
  readonly body: Body<S>
}

const PASSED: L2CaseOutcome = { status: 'passed' }
const LONG_TTL = 60_000

function skipped(reason: string): L2CaseOutcome {
  return { status: 'skipped', reason }
}

const NO_LOCK = skipped('the store has no lock() (distributed single flight is optional)')
const NO_SUBSCRIBE = skipped('the store has no subscribe() (invalidation delivery is optional)')
const NO_TAGS = skipped('the store has no invalidateTags() (tags are optional)')
const NO_UNREACHABLE = skipped(
  'no makeUnreachable option was given, so the suite cannot cut the store off its server',
)

/** The store's `lock`, or `undefined`. */
function lockOf(
  store: L2Store,
): ((key: string, options?: L2LockOptions) => Promise<L2LockResult>) | undefined {
  return store.lock?.bind(store)
}

/** The store's `invalidateTags`, or `undefined`. */
function invalidatorOf(store: L2Store): ((tags: readonly string[]) => Promise<void>) | undefined {
  return store.invalidateTags?.bind(store)
}

/** `result` as an acquired lock, failing with `message` otherwise. */
function acquired(
  result: L2LockResult,
  message: string,
): Extract<L2LockResult, { status: 'acquired' }> {
  expect(result.status, message).toBe('acquired')
  return result as Extract<L2LockResult, { status: 'acquired' }>
}

/** How a value written by a case appears in a failure message. */
const VALUE_STYLE: ValueStyle = {
  maxLength: 60,
  strings: 'json',
  functions: 'word',
  arrays: 'short',
  objects: 'json',
  errors: true,
  binary: true,
}

/** Reads one key. */
async function readOne(store: L2Store, key: string): Promise<L2Record | undefined> {
  const records = await store.get([key])
  return records[0]
}

/** Checks that a record read at `readAt` ends no later than a write's expiry `expiresBy`. */
function endsBy(
  record: L2Record | undefined,
  readAt: number,
  expiresBy: number,
  toleranceMs: number,
  when: string,
): void {
  expect(record, `${when}: the value written is missing`).toBeDefined()
  const ttlMs = record!.ttlMs
  expect(ttlMs, `${when}: a record's ttlMs must be > 0`).toBeGreaterThan(0)
  expect(
    readAt + ttlMs,
    `${when}: the record says it lives ${ttlMs} ms more, past the written expiry: a copy must ` +
      `never outlive its expiry (ttlMs counts down from the write)`,
  ).toBeLessThanOrEqual(expiresBy + toleranceMs)
}

/**
 * Each case of the contract. Add new ones to their group, and say in the title what a store
 * must do.
 */
function specs<S extends L2Store>(): Spec<S>[] {
  const list: Spec<S>[] = []
  const add = (group: string, title: string, body: Body<S>): void => {
    list.push({ group, title, body })
  }

  // ── Reads and writes ───────────────────────────────────────────────────────────────────────
  const rw = 'reads and writes'

  add(
    rw,
    'get() answers one entry per key, in order: undefined for keys never written',
    async (s) => {
      const store = await s.create()
      expect(await store.get([keyAt(1), keyAt(2)]), 'get() of keys never written').toEqual([
        undefined,
        undefined,
      ])
      expect(await store.get([]), 'get([]) must resolve to []').toEqual([])
      return PASSED
    },
  )

  add(rw, 'set() stores each value with its fetchedAt; get() returns them, alive', async (s, c) => {
    const store = await s.create()
    const writes = c.values.map((value, i) =>
      writeOf(keyAt(i), value, LONG_TTL, { fetchedAt: 1_700_000_000_000 + i }),
    )
    await store.set(writes, false)
    const records = await store.get(writes.map((write) => write.key))
    expect(records, 'get() must answer one entry per key').toHaveLength(writes.length)
    writes.forEach((write, i) => {
      const record = records[i]
      const what = `value #${i} (${describeValue(write.value, VALUE_STYLE)})`
      expect(record, `${what} was written but get() misses it`).toBeDefined()
      expect(record!.value, `${what} must come back equal`).toEqual(write.value)
      expect(record!.isError, `${what} is not an error`).toBe(false)
      expect(record!.fetchedAt, `${what}: fetchedAt must come back as written`).toBe(
        write.fetchedAt,
      )
      expect(record!.ttlMs, `${what}: ttlMs must be > 0 and at most the ttl written`).toSatisfy(
        (ttl: number) => ttl > 0 && ttl <= LONG_TTL + c.toleranceMs,
      )
    })
    return PASSED
  })

  add(rw, 'keeps a failure (negative caching) as an error with its message', async (s) => {
    const store = await s.create()
    const error = new RangeError('no such user')
    await store.set([writeOf(keyAt(1), error, LONG_TTL, { isError: true })], false)
    const record = await readOne(store, keyAt(1))
    expect(record, 'a kept error was written but get() misses it').toBeDefined()
    expect(record!.isError, 'isError must come back true').toBe(true)
    expect(record!.value, 'a kept error must come back as an Error').toBeInstanceOf(Error)
    expect((record!.value as Error).message, 'with its message').toBe('no such user')
    return PASSED
  })

  add(rw, 'a rewrite replaces the value, its fetchedAt and its time to live', async (s, c) => {
    const store = await s.create()
    await store.set([writeOf(keyAt(1), 'old', LONG_TTL, { fetchedAt: 1 })], false)
    await store.set([writeOf(keyAt(1), 'new', 20_000, { fetchedAt: 2 })], false)
    const record = await readOne(store, keyAt(1))
    expect(record?.value, 'a rewrite must replace the value').toBe('new')
    expect(record?.fetchedAt, 'a rewrite must replace fetchedAt').toBe(2)
    expect(record?.ttlMs, 'a rewrite must replace the time to live').toBeLessThanOrEqual(
      20_000 + c.toleranceMs,
    )
    return PASSED
  })

  add(
    rw,
    'many-key reads keep the order asked, repeat duplicates and miss absent keys',
    async (s) => {
      const store = await s.create()
      await store.set(
        [writeOf(keyAt(1), 'one', LONG_TTL), writeOf(keyAt(2), 'two', LONG_TTL)],
        false,
      )
      const records = await store.get([keyAt(2), keyAt(3), keyAt(1), keyAt(2)])
      expect(
        records.map((record) => record?.value),
        'get([k2, absent, k1, k2]) must answer in that order',
      ).toEqual(['two', undefined, 'one', 'two'])
      return PASSED
    },
  )

  add(rw, 'delete() removes exactly the keys given', async (s) => {
    const store = await s.create()
    const keys = [keyAt(1), keyAt(2), keyAt(3)]
    await store.set(
      keys.map((key) => writeOf(key, key, LONG_TTL)),
      false,
    )
    await store.delete([keyAt(1), keyAt(3), keyAt(4)])
    expect(
      (await store.get(keys)).map((record) => record?.value),
      'after delete([k1, k3, absent]) only k2 may be left',
    ).toEqual([undefined, keyAt(2), undefined])
    await store.delete([])
    await store.set([], false)
    return PASSED
  })

  add(rw, 'instances of one namespace share values; another namespace sees none', async (s) => {
    const a = await s.create()
    const b = await s.create()
    const other = await s.create({ namespace: s.other })
    await a.set([writeOf(keyAt(1), 'from a', LONG_TTL)], false)
    expect((await readOne(b, keyAt(1)))?.value, 'another instance must read what a wrote').toBe(
      'from a',
    )
    expect(await readOne(other, keyAt(1)), 'another namespace must not see it').toBeUndefined()
    await other.set([writeOf(keyAt(1), 'other cache', LONG_TTL)], false)
    expect(
      (await readOne(a, keyAt(1)))?.value,
      "another namespace's write must not land here",
    ).toBe('from a')
    return PASSED
  })

  add(
    rw,
    'clear() removes every value of its namespace, for every instance, and no other',
    async (s) => {
      const a = await s.create()
      const b = await s.create()
      const other = await s.create({ namespace: s.other })
      await a.set([writeOf(keyAt(1), 1, LONG_TTL), writeOf(keyAt(2), 2, Infinity)], false)
      await other.set([writeOf(keyAt(1), 'kept', LONG_TTL)], false)
      await b.clear()
      expect(await a.get([keyAt(1), keyAt(2)]), 'clear() must remove every value').toEqual([
        undefined,
        undefined,
      ])
      expect((await readOne(other, keyAt(1)))?.value, 'clear() must leave other namespaces').toBe(
        'kept',
      )
      return PASSED
    },
  )

  add(
    rw,
    'a value written with ttlMs Infinity lives on, with an infinite time to live',
    async (s, c) => {
      const store = await s.create()
      await store.set([writeOf(keyAt(1), 'forever', Infinity)], false)
      await c.clock.advance(c.shortTtlMs + c.marginMs)
      const record = await readOne(store, keyAt(1))
      expect(record?.value, 'a value without expiry must stay').toBe('forever')
      expect(record?.ttlMs, 'its ttlMs must be Infinity').toBe(Infinity)
      return PASSED
    },
  )

  // ── Expiry: no copy outlives its expiry ────────────────────────────────────────────────────
  const ex = 'expiry'

  add(
    ex,
    'the time to live a read reports counts down: it never ends after the write expires',
    async (s, c) => {
      const store = await s.create()
      const peer = await s.create()
      await store.set([writeOf(keyAt(1), 'v', LONG_TTL)], false)
      const expiresBy = c.clock.now() + LONG_TTL
      let record = await readOne(peer, keyAt(1))
      endsBy(record, c.clock.now(), expiresBy, c.toleranceMs, 'read at once')
      await c.clock.advance(c.shortTtlMs)
      record = await readOne(peer, keyAt(1))
      endsBy(record, c.clock.now(), expiresBy, c.toleranceMs, `read ${c.shortTtlMs} ms later`)
      return PASSED
    },
  )

  add(ex, 'no copy is served after its expiry, in a many-key read too', async (s, c) => {
    const store = await s.create()
    await store.set(
      [writeOf(keyAt(1), 'short', c.shortTtlMs), writeOf(keyAt(2), 'long', LONG_TTL)],
      false,
    )
    await c.clock.advance(c.shortTtlMs + c.marginMs)
    const records = await store.get([keyAt(1), keyAt(2)])
    expect(
      records[0],
      `a value written with ttlMs ${c.shortTtlMs} was served ${c.shortTtlMs + c.marginMs} ms later`,
    ).toBeUndefined()
    expect(records[1]?.value, 'a value still alive must be served').toBe('long')
    return PASSED
  })

  add(ex, 'a rewrite with a shorter time to live expires at the new time', async (s, c) => {
    const store = await s.create()
    await store.set([writeOf(keyAt(1), 'old', LONG_TTL)], false)
    await store.set([writeOf(keyAt(1), 'new', c.shortTtlMs)], false)
    await c.clock.advance(c.shortTtlMs + c.marginMs)
    expect(
      await readOne(store, keyAt(1)),
      'the rewrite expired, yet a value is served (the first write kept its expiry?)',
    ).toBeUndefined()
    return PASSED
  })

  add(ex, 'lock() treats an expired value as absent, not as loaded', async (s, c) => {
    const store = await s.create()
    const lock = lockOf(store)
    if (lock === undefined) return NO_LOCK
    await store.set([writeOf(keyAt(1), 'short', c.shortTtlMs)], false)
    await c.clock.advance(c.shortTtlMs + c.marginMs)
    const result = await lock(keyAt(1))
    const lease = acquired(result, 'lock() of an expired value must take the lock')
    await lease.release(false)
    return PASSED
  })

  // ── Fail-safe: copies kept stale past their expiry ─────────────────────────────────────────
  const fs = 'fail-safe (staleMs)'

  add(
    fs,
    'a write with staleMs is read back stale (ttlMs <= 0, its staleMs) until ttlMs + staleMs, then gone',
    async (s, c) => {
      const store = await s.create()
      const peer = await s.create()
      const staleMs = 4 * c.shortTtlMs
      await store.set(
        [
          { ...writeOf(keyAt(1), 'kept', c.shortTtlMs), staleMs },
          writeOf(keyAt(2), 'plain', c.shortTtlMs),
        ],
        false,
      )
      const fresh = await readOne(peer, keyAt(1))
      expect(fresh?.value, 'a value written with staleMs is served while fresh').toBe('kept')
      expect(fresh?.ttlMs, 'its ttlMs counts down from the ttlMs written').toBeLessThanOrEqual(
        c.shortTtlMs + c.toleranceMs,
      )
      await c.clock.advance(c.shortTtlMs + c.marginMs)
      const [stale, plain] = await peer.get([keyAt(1), keyAt(2)])
      expect(stale?.value, 'past its ttlMs, a copy written with staleMs must still be read').toBe(
        'kept',
      )
      expect(stale?.ttlMs, 'a stale copy keeps its logical expiry: ttlMs <= 0').toBeLessThanOrEqual(
        0,
      )
      expect(stale?.staleMs, 'a stale copy says how long it was kept stale').toBe(staleMs)
      expect(plain, 'a copy written without staleMs is gone at its ttlMs').toBeUndefined()
      const lock = lockOf(store)
      if (lock !== undefined) {
        const lease = acquired(
          await lock(keyAt(1)),
          'lock() must treat a stale copy as absent (take the lock to load a fresh one)',
        )
        await lease.release(false)
        expect(
          (await readOne(peer, keyAt(1)))?.value,
          'a release without a value must leave the stale copy',
        ).toBe('kept')
      }
      await c.clock.advance(staleMs)
      expect(
        await readOne(peer, keyAt(1)),
        `a copy written with ttlMs ${c.shortTtlMs} and staleMs ${staleMs} was read after both`,
      ).toBeUndefined()
      return PASSED
    },
  )

  add(
    fs,
    'a stale copy keeps the ordering rule: older writes lose to it, deletes remove it',
    async (s, c) => {
      const store = await s.create()
      const staleMs = LONG_TTL
      await store.set([{ ...writeOf(keyAt(1), 'newer', c.shortTtlMs), staleMs }], false)
      await store.set([{ ...writeOf(keyAt(2), 'deleted', c.shortTtlMs), staleMs }], false)
      await c.clock.advance(c.shortTtlMs + c.marginMs)
      // A load that started before the stale copy was written must not replace it.
      const old = c.shortTtlMs + c.marginMs + OLD_MS
      await store.set([writeOf(keyAt(1), 'older', LONG_TTL, { ageMs: old })], false)
      expect(
        (await readOne(store, keyAt(1)))?.value,
        'a write as of a moment before a stale copy replaced it',
      ).toBe('newer')
      await store.set([writeOf(keyAt(1), 'fresh', LONG_TTL)], false)
      const fresh = await readOne(store, keyAt(1))
      expect(fresh?.value, 'a newer write replaces a stale copy').toBe('fresh')
      expect(fresh?.staleMs ?? 0, 'with its own staleMs (none)').toBe(0)
      await store.delete([keyAt(2)])
      expect(await readOne(store, keyAt(2)), 'delete() must remove a stale copy').toBeUndefined()
      return PASSED
    },
  )

  add(
    fs,
    'lock() hands a stale copy to onStale with its decision (acquired, or before it waits), once; never a fresh copy or one without staleMs',
    async (s, c) => {
      const a = await s.create()
      const b = await s.create()
      const lockA = lockOf(a)
      const lockB = lockOf(b)
      if (lockA === undefined || lockB === undefined) return NO_LOCK
      const staleMs = LONG_TTL
      await a.set(
        [
          { ...writeOf(keyAt(1), 'kept', c.shortTtlMs), staleMs },
          writeOf(keyAt(2), 'plain', c.shortTtlMs),
          { ...writeOf(keyAt(3), 'fresh', LONG_TTL), staleMs },
        ],
        false,
      )
      await c.clock.advance(c.shortTtlMs + c.marginMs)
      const handedA: L2Record[] = []
      const holder = acquired(
        await lockA(keyAt(1), { onStale: (record) => handedA.push(record) }),
        'lock() must treat a stale copy as absent (take the lock to load a fresh one)',
      )
      if (handedA.length === 0) {
        await holder.release(false)
        return skipped('the store hands no stale copy to onStale (it is optional)')
      }
      expect(handedA.length, 'onStale must be called at most once per lock() call').toBe(1)
      const [record] = handedA
      expect(record?.value, 'onStale must receive the stale copy').toBe('kept')
      expect(
        record?.ttlMs,
        'a stale copy keeps its logical expiry: ttlMs <= 0',
      ).toBeLessThanOrEqual(0)
      expect(record?.staleMs, 'a stale copy handed to onStale says its staleMs').toBe(staleMs)
      const handedB: L2Record[] = []
      const waiter = watch(lockB(keyAt(1), { onStale: (stale) => handedB.push(stale) }))
      // Handed once its read-or-lock has answered "busy": within a round trip, however loaded.
      await waitUntil(
        () => handedB.length > 0 || waiter.settled,
        c.deliveryTimeoutMs,
        'a lock() that waits for another holder must hand the stale copy before it waits',
      )
      expect(waiter.settled, 'a second lock() must wait while the lock is held').toBe(false)
      expect(
        handedB.map((stale) => stale.value),
        'a lock() that waits for another holder must hand the stale copy before it waits',
      ).toEqual(['kept'])
      await holder.commit?.(writeOf(keyAt(1), 'reloaded', LONG_TTL))
      if (holder.commit === undefined) {
        await a.set([writeOf(keyAt(1), 'reloaded', LONG_TTL)], false)
        await holder.release(true)
      }
      const result = await within(waiter.promise, c.deliveryTimeoutMs, 'the waiting lock()')
      expect(
        result.status === 'loaded' ? result.record.value : result.status,
        "the waiter still gets the holder's value",
      ).toBe('reloaded')
      expect(handedB.length, 'onStale must be called at most once per lock() call').toBe(1)
      const never: L2Record[] = []
      const onStale = (stale: L2Record): void => {
        never.push(stale)
      }
      const plain = acquired(
        await lockA(keyAt(2), { onStale }),
        'lock() of an expired value must take the lock',
      )
      await plain.release(false)
      const fresh = await lockA(keyAt(3), { onStale })
      expect(fresh.status, 'lock() of a fresh value answers it as loaded').toBe('loaded')
      expect(
        never.map((stale) => stale.value),
        'onStale must never receive a fresh copy, or one written without staleMs',
      ).toEqual([])
      return PASSED
    },
  )

  add(fs, 'lock() never hands a stale copy carrying an invalidated tag', async (s, c) => {
    const store = await s.create()
    const lock = lockOf(store)
    const invalidate = invalidatorOf(store)
    if (lock === undefined) return NO_LOCK
    if (invalidate === undefined) return NO_TAGS
    await store.set(
      [{ ...writeOf(keyAt(1), 'tagged', c.shortTtlMs, { tags: ['t1'] }), staleMs: LONG_TTL }],
      false,
    )
    await c.clock.advance(c.shortTtlMs + c.marginMs)
    await invalidate(['t1'])
    const handed: L2Record[] = []
    const lease = acquired(
      await lock(keyAt(1), { onStale: (record) => handed.push(record) }),
      'lock() of an invalidated value must take the lock',
    )
    await lease.release(false)
    expect(
      handed.map((record) => record.value),
      'a stale copy carrying a tag invalidated after it was written was handed to onStale',
    ).toEqual([])
    return PASSED
  })

  // ── Locks (distributed single flight) ──────────────────────────────────────────────────────
  const lk = 'locks'

  add(
    lk,
    'the first lock() of a key is acquired; once released it can be taken again',
    async (s) => {
      const a = await s.create()
      const b = await s.create()
      const lockA = lockOf(a)
      const lockB = lockOf(b)
      if (lockA === undefined || lockB === undefined) return NO_LOCK
      const first = acquired(await lockA(keyAt(1)), 'the first lock() of a free key')
      await first.release(false)
      const second = acquired(await lockB(keyAt(1)), 'lock() after the holder released')
      await second.release(false)
      return PASSED
    },
  )

  add(
    lk,
    "the lock is exclusive: another instance waits, then gets the holder's value",
    async (s, c) => {
      const a = await s.create()
      const b = await s.create()
      const lockA = lockOf(a)
      const lockB = lockOf(b)
      if (lockA === undefined || lockB === undefined) return NO_LOCK
      const holder = acquired(await lockA(keyAt(1)), 'the first lock() of a free key')
      const waiter = watch(lockB(keyAt(1)))
      await sleep(25)
      expect(
        waiter.settled,
        `a second lock() settled (${JSON.stringify(waiter.value ?? waiter.error)}) while the ` +
          'lock was held: it must wait for the holder',
      ).toBe(false)
      await a.set([writeOf(keyAt(1), 'loaded by a', LONG_TTL)], false)
      await holder.release(true)
      const result = await within(waiter.promise, c.deliveryTimeoutMs, 'the waiting lock()')
      expect(result.status, "after release(true) the waiter must get the holder's value").toBe(
        'loaded',
      )
      const record = (result as Extract<L2LockResult, { status: 'loaded' }>).record
      expect(record.value, 'loaded: the value the holder wrote').toBe('loaded by a')
      expect(record.ttlMs, 'loaded: with a time to live').toBeGreaterThan(0)
      return PASSED
    },
  )

  add(
    lk,
    'a release without a value lets the waiters go at once, to load for themselves',
    async (s, c) => {
      const a = await s.create()
      const b = await s.create()
      const lockA = lockOf(a)
      const lockB = lockOf(b)
      if (lockA === undefined || lockB === undefined) return NO_LOCK
      const holder = acquired(await lockA(keyAt(1)), 'the first lock() of a free key')
      const waiter = watch(lockB(keyAt(1)))
      await sleep(10)
      await holder.release(false)
      const result = await within(
        waiter.promise,
        c.deliveryTimeoutMs,
        'a lock() waiting on a holder that released without a value',
      )
      expect(
        ['acquired', 'skipped'],
        'after release(false) the waiter must take the lock or give up (skipped)',
      ).toContain(result.status)
      if (result.status === 'acquired') await result.release(false)
      return PASSED
    },
  )

  add(
    lk,
    'lock() of a key that holds a value returns it as loaded, and takes no lock',
    async (s) => {
      const a = await s.create()
      const b = await s.create()
      const lockA = lockOf(a)
      const lockB = lockOf(b)
      if (lockA === undefined || lockB === undefined) return NO_LOCK
      await a.set([writeOf(keyAt(1), 'there', LONG_TTL)], false)
      for (const lock of [lockA, lockB]) {
        const result = await lock(keyAt(1))
        expect(result.status, 'lock() of a key with a value must return it').toBe('loaded')
        expect((result as Extract<L2LockResult, { status: 'loaded' }>).record.value).toBe('there')
      }
      await a.delete([keyAt(1)])
      const lease = acquired(await lockB(keyAt(1)), 'lock() once the value is deleted')
      await lease.release(false)
      return PASSED
    },
  )

  add(
    lk,
    'a waiter gives up after lockWaitMs (skipped) when the holder takes longer',
    async (s, c) => {
      const a = await s.create()
      const waitMs = c.shortTtlMs
      const b = await s.create({ lockWaitMs: waitMs })
      const lockA = lockOf(a)
      const lockB = lockOf(b)
      if (lockA === undefined || lockB === undefined) return NO_LOCK
      const holder = acquired(await lockA(keyAt(1)), 'the first lock() of a free key')
      const started = Date.now()
      const result = await within(lockB(keyAt(1)), waitMs + c.deliveryTimeoutMs, 'lock()')
      const waited = Date.now() - started
      expect(result.status, 'a waiter past lockWaitMs must give up').toBe('skipped')
      expect(
        waited,
        `it gave up after ${waited} ms, before lockWaitMs (${waitMs} ms)`,
      ).toBeGreaterThanOrEqual(waitMs - 2)
      await holder.release(false)
      return PASSED
    },
  )

  add(lk, 'a lock whose holder never releases it is free once its lease ends', async (s, c) => {
    const a = await s.create({ lockLeaseMs: c.shortTtlMs })
    const b = await s.create()
    const lockA = lockOf(a)
    const lockB = lockOf(b)
    if (lockA === undefined || lockB === undefined) return NO_LOCK
    acquired(await lockA(keyAt(1)), 'the first lock() of a free key')
    await c.clock.advance(c.shortTtlMs + c.marginMs)
    const next = acquired(
      await within(lockB(keyAt(1)), c.deliveryTimeoutMs, 'lock() after the lease'),
      `a lock with a lease of ${c.shortTtlMs} ms must be free ${c.shortTtlMs + c.marginMs} ms later`,
    )
    await next.release(false)
    return PASSED
  })

  add(
    lk,
    'lock(key, { leaseMs }) holds the lock for the lease its caller asks for',
    async (s, c) => {
      const a = await s.create()
      const b = await s.create()
      const lockA = lockOf(a)
      const lockB = lockOf(b)
      if (lockA === undefined || lockB === undefined) return NO_LOCK
      acquired(await lockA(keyAt(1), { leaseMs: c.shortTtlMs }), 'the first lock() of a free key')
      await c.clock.advance(c.shortTtlMs + c.marginMs)
      const next = acquired(
        await within(lockB(keyAt(1)), c.deliveryTimeoutMs, 'lock() after the lease asked for'),
        `a lock taken with { leaseMs: ${c.shortTtlMs} } must be free ${c.shortTtlMs + c.marginMs} ` +
          `ms later, whatever the store's default lease (${LONG_LEASE_MS} ms here)`,
      )
      await next.release(false)
      return PASSED
    },
  )

  add(
    lk,
    "release is by token: a holder whose lease ended cannot free the next holder's lock",
    async (s, c) => {
      const a = await s.create({ lockLeaseMs: c.shortTtlMs })
      const b = await s.create()
      const d = await s.create()
      const lockA = lockOf(a)
      const lockB = lockOf(b)
      const lockD = lockOf(d)
      if (lockA === undefined || lockB === undefined || lockD === undefined) return NO_LOCK
      const late = acquired(await lockA(keyAt(1)), 'the first lock() of a free key')
      await c.clock.advance(c.shortTtlMs + c.marginMs)
      const holder = acquired(await lockB(keyAt(1)), 'lock() once the first lease ended')
      await late.release(false) // too late: b holds the lock now
      const waiter = watch(lockD(keyAt(1)))
      await sleep(25)
      expect(
        waiter.settled,
        `lock() settled (${JSON.stringify(waiter.value ?? waiter.error)}) while b held the ` +
          "lock: the late release of a's expired lock freed b's",
      ).toBe(false)
      await b.set([writeOf(keyAt(1), 'loaded by b', LONG_TTL)], false)
      await holder.release(true)
      const result = await within(waiter.promise, c.deliveryTimeoutMs, 'the waiting lock()')
      expect(result.status, "the waiter must get b's value").toBe('loaded')
      return PASSED
    },
  )

  add(lk, 'locks are per key and per namespace', async (s) => {
    const a = await s.create()
    const b = await s.create()
    const other = await s.create({ namespace: s.other })
    const lockA = lockOf(a)
    const lockB = lockOf(b)
    const lockOther = lockOf(other)
    if (lockA === undefined || lockB === undefined || lockOther === undefined) return NO_LOCK
    const held = acquired(await lockA(keyAt(1)), 'the first lock() of a free key')
    const otherKey = acquired(await lockB(keyAt(2)), "another key's lock must be free")
    const otherCache = acquired(
      await lockOther(keyAt(1)),
      "the same key's lock in another namespace must be free",
    )
    await Promise.all([held.release(false), otherKey.release(false), otherCache.release(false)])
    return PASSED
  })

  // ── Invalidation delivery to other instances ───────────────────────────────────────────────
  const inv = 'invalidation'

  /** Two instances of the case's namespace, the second subscribed; `undefined` without subscribe. */
  const subscribed = async (s: CaseStores<S>) => {
    const a = await s.create()
    const b = await s.create()
    if (b.subscribe === undefined) return undefined
    const heard = new Recorder()
    b.subscribe(heard)
    return { a, b, heard }
  }

  add(
    inv,
    "delete() reaches the other instances' subscribers with the keys deleted",
    async (s, c) => {
      const pair = await subscribed(s)
      if (pair === undefined) return NO_SUBSCRIBE
      await pair.a.delete([keyAt(1), keyAt(2)])
      await waitUntil(
        () => pair.heard.covers(keyAt(1)) && pair.heard.covers(keyAt(2)),
        c.deliveryTimeoutMs,
        `another instance was not told about delete([k1, k2]); it heard ${JSON.stringify(pair.heard.received)}`,
      )
      return PASSED
    },
  )

  add(inv, 'set() with notify reaches the other instances with the keys written', async (s, c) => {
    const pair = await subscribed(s)
    if (pair === undefined) return NO_SUBSCRIBE
    await pair.a.set([writeOf(keyAt(1), 'new', LONG_TTL)], true)
    await waitUntil(
      () => pair.heard.covers(keyAt(1)),
      c.deliveryTimeoutMs,
      `another instance was not told about set([k1], notify: true); it heard ${JSON.stringify(pair.heard.received)}`,
    )
    return PASSED
  })

  add(inv, 'clear() reaches the other instances as invalidate(null)', async (s, c) => {
    const pair = await subscribed(s)
    if (pair === undefined) return NO_SUBSCRIBE
    await pair.a.clear()
    await waitUntil(
      () => pair.heard.clearedAll,
      c.deliveryTimeoutMs,
      `another instance was not told invalidate(null) after clear(); it heard ${JSON.stringify(pair.heard.received)}`,
    )
    return PASSED
  })

  add(inv, 'the instance that made a change is not told about it', async (s, c) => {
    const pair = await subscribed(s)
    if (pair === undefined) return NO_SUBSCRIBE
    const own = new Recorder()
    pair.a.subscribe?.(own)
    await pair.a.delete([keyAt(1)])
    await waitUntil(
      () => pair.heard.covers(keyAt(1)),
      c.deliveryTimeoutMs,
      'delete() not delivered',
    )
    await sleep(10)
    expect(own.received, 'the deleting instance heard its own delete').toEqual([])
    return PASSED
  })

  add(inv, 'unsubscribing stops delivery, and other namespaces hear nothing', async (s, c) => {
    const pair = await subscribed(s)
    if (pair === undefined) return NO_SUBSCRIBE
    const gone = new Recorder()
    pair.b.subscribe!(gone)()
    const other = await s.create({ namespace: s.other })
    const stranger = new Recorder()
    other.subscribe?.(stranger)
    await pair.a.delete([keyAt(1)])
    await pair.a.clear()
    await waitUntil(() => pair.heard.clearedAll, c.deliveryTimeoutMs, 'clear() not delivered')
    await sleep(10)
    expect(gone.received, 'a subscriber heard invalidations after unsubscribing').toEqual([])
    expect(stranger.received, "another namespace heard this namespace's invalidations").toEqual([])
    return PASSED
  })

  // ── While the server is unreachable ────────────────────────────────────────────────────────
  const down = 'unreachable server'

  /** Runs `body` while the server is down, bringing it back whatever happens. */
  const whileDown = async (c: SuiteConfig<S>, body: () => Promise<void>): Promise<void> => {
    const restore = await c.makeUnreachable!()
    try {
      await body()
    } finally {
      await restore()
    }
  }

  /** A read while the server is down, so that the store notices; bounded, never failing. */
  const touch = async (store: S, c: SuiteConfig<S>): Promise<void> => {
    const read = store.get([keyAt(1)]).then(
      () => undefined,
      () => undefined,
    )
    await within(read, c.unreachableBoundMs, 'get() while unreachable').catch(() => undefined)
  }

  add(down, 'every call settles promptly, serving nothing and taking no lock', async (s, c) => {
    if (c.makeUnreachable === undefined) return NO_UNREACHABLE
    const store = await s.create()
    await store.set([writeOf(keyAt(1), 'before', LONG_TTL)], false)
    await whileDown(c, async () => {
      const bound = c.unreachableBoundMs
      const read = await within(
        store.get([keyAt(1), keyAt(2)]).then(
          (records) => ({ records }),
          () => ({ records: undefined }),
        ),
        bound,
        'get() while unreachable',
      )
      if (read.records !== undefined) {
        expect(read.records, 'get() while unreachable must resolve to misses, or reject').toEqual([
          undefined,
          undefined,
        ])
      }
      const writes = [
        ['set()', () => store.set([writeOf(keyAt(2), 'during', LONG_TTL)], false)],
        ['set(notify)', () => store.set([writeOf(keyAt(2), 'during', LONG_TTL)], true)],
        ['delete()', () => store.delete([keyAt(1)])],
        ['clear()', () => store.clear()],
      ] as const
      for (const [what, call] of writes) {
        await within(
          call().catch(() => undefined),
          bound,
          `${what} while unreachable`,
        )
      }
      const lock = lockOf(store)
      if (lock !== undefined) {
        const result = await within(
          lock(keyAt(3)).catch(() => undefined),
          bound,
          'lock() while unreachable',
        )
        if (result !== undefined) {
          expect(result.status, 'lock() while unreachable must be skipped, or reject').toBe(
            'skipped',
          )
        }
      }
    })
    return PASSED
  })

  add(down, 'once the server is back, the store works again by itself', async (s, c) => {
    if (c.makeUnreachable === undefined) return NO_UNREACHABLE
    const a = await s.create()
    const b = await s.create()
    await whileDown(c, () => touch(a, c))
    const deadline = Date.now() + c.recoveryTimeoutMs
    let round = 0
    for (;;) {
      const key = keyAt(100 + round++)
      const seen = await a
        .set([writeOf(key, 'after', LONG_TTL)], false)
        .then(() => b.get([key]))
        .catch(() => undefined)
      if (seen?.[0]?.value === 'after') break
      expect(
        Date.now(),
        `the store did not store and serve values within ${c.recoveryTimeoutMs} ms of the server coming back`,
      ).toBeLessThan(deadline)
      await sleep(20)
    }
    return PASSED
  })

  add(
    down,
    'after an outage, subscribers are told to drop everything (messages were missed)',
    async (s, c) => {
      if (c.makeUnreachable === undefined) return NO_UNREACHABLE
      const store = await s.create()
      if (store.subscribe === undefined) return NO_SUBSCRIBE
      const heard = new Recorder()
      store.subscribe(heard)
      await whileDown(c, () => touch(store, c))
      await waitUntil(
        () => heard.clearedAll,
        c.recoveryTimeoutMs,
        'after the outage the subscriber was not told invalidate(null); invalidations sent ' +
          'meanwhile may be lost, so L1 copies must be dropped',
      )
      return PASSED
    },
  )

  // ── Ordering: an older write never overwrites newer data ──────────────────────────────────
  // A write is as of when its load started (now - ageMs); deletes and clears as of their call.
  // The ages used here (OLD_MS) are far beyond any clock offset between a store and its server.
  const ord = 'ordering'

  add(ord, 'a write older than the value there is dropped (and resolves)', async (s) => {
    const a = await s.create()
    const b = await s.create()
    await a.set([writeOf(keyAt(1), 'new', LONG_TTL)], false)
    await b.set([writeOf(keyAt(1), 'old', LONG_TTL, { ageMs: OLD_MS })], false)
    expect(
      (await readOne(a, keyAt(1)))?.value,
      `a write whose load started ${OLD_MS} ms ago overwrote a value loaded just now`,
    ).toBe('new')
    await b.set([writeOf(keyAt(1), 'newer', LONG_TTL)], false)
    expect((await readOne(a, keyAt(1)))?.value, 'a newer write must replace the value').toBe(
      'newer',
    )
    return PASSED
  })

  add(
    ord,
    "a write whose load started before the key's last delete is dropped; a later one is kept",
    async (s) => {
      const a = await s.create()
      const b = await s.create()
      await a.set([writeOf(keyAt(1), 'before', LONG_TTL)], false)
      await a.delete([keyAt(1)])
      await b.set(
        [writeOf(keyAt(1), 'loaded before the delete', LONG_TTL, { ageMs: OLD_MS })],
        false,
      )
      expect(
        await readOne(a, keyAt(1)),
        'a write whose load started before a delete of its key brought the deleted data back: ' +
          'a delete must leave a tombstone that drops older writes',
      ).toBeUndefined()
      await b.set([writeOf(keyAt(1), 'after', LONG_TTL)], false)
      expect(
        (await readOne(a, keyAt(1)))?.value,
        'a write made after the delete must be stored (the tombstone is not a ban)',
      ).toBe('after')
      return PASSED
    },
  )

  add(ord, 'a write whose load started before the last clear is dropped', async (s) => {
    const a = await s.create()
    const b = await s.create()
    await a.clear()
    await b.set([writeOf(keyAt(1), 'loaded before the clear', LONG_TTL, { ageMs: OLD_MS })], false)
    expect(
      await readOne(a, keyAt(1)),
      'a write whose load started before clear() brought data from before the clear back',
    ).toBeUndefined()
    await b.set([writeOf(keyAt(1), 'after', LONG_TTL)], false)
    expect((await readOne(a, keyAt(1)))?.value, 'a write made after the clear is stored').toBe(
      'after',
    )
    return PASSED
  })

  add(
    ord,
    "commit() (when lock() gives one) stores the holder's value under the same rule and releases",
    async (s, c) => {
      const a = await s.create()
      const b = await s.create()
      const lockA = lockOf(a)
      const lockB = lockOf(b)
      if (lockA === undefined || lockB === undefined) return NO_LOCK
      const holder = acquired(await lockA(keyAt(1)), 'the first lock() of a free key')
      if (holder.commit === undefined) return skipped('the lock has no commit() (it is optional)')
      const waiter = watch(lockB(keyAt(1)))
      await sleep(10)
      await holder.commit(writeOf(keyAt(1), 'committed', LONG_TTL))
      const result = await within(waiter.promise, c.deliveryTimeoutMs, 'the waiting lock()')
      expect(
        result.status === 'loaded' ? result.record.value : result.status,
        "after commit() the waiter must get the holder's value as loaded",
      ).toBe('committed')
      const again = acquired(await lockA(keyAt(2)), 'a lock() of another key')
      await a.delete([keyAt(2)])
      await again.commit!(
        writeOf(keyAt(2), 'loaded before the delete', LONG_TTL, { ageMs: OLD_MS }),
      )
      expect(
        await readOne(b, keyAt(2)),
        'commit() of a value whose load started before a delete stored it',
      ).toBeUndefined()
      acquired(await lockB(keyAt(2)), 'commit() must release the lock even when it drops the write')
      return PASSED
    },
  )

  // ── Tags: invalidation moments, compared with each value's version on read ────────────────
  const tg = 'tags'

  add(tg, 'a value written with tags comes back with them; one without has none', async (s) => {
    const store = await s.create()
    const peer = await s.create()
    if (invalidatorOf(store) === undefined) return NO_TAGS
    await store.set(
      [
        writeOf(keyAt(1), 'tagged', LONG_TTL, { tags: ['user:1', 'team:7'] }),
        writeOf(keyAt(2), 'plain', LONG_TTL),
      ],
      false,
    )
    const [tagged, plain] = await peer.get([keyAt(1), keyAt(2)])
    expect(tagged?.value, 'a tagged value must be served like any other').toBe('tagged')
    expect(
      [...(tagged?.tags ?? [])].sort(),
      'a record must carry the tags it was written with (the cache indexes its L1 copy by them)',
    ).toEqual(['team:7', 'user:1'])
    expect(plain?.tags ?? [], 'a value written without tags must come back with none').toEqual([])
    return PASSED
  })

  add(
    tg,
    'invalidateTags() makes every value carrying one of the tags absent for every instance, a new one too, and leaves the rest',
    async (s) => {
      const a = await s.create()
      const b = await s.create()
      const invalidate = invalidatorOf(b)
      if (invalidate === undefined) return NO_TAGS
      await a.set(
        [
          writeOf(keyAt(1), 'one tag', LONG_TTL, { tags: ['t1'] }),
          writeOf(keyAt(2), 'two tags', LONG_TTL, { tags: ['t2', 't1'] }),
          writeOf(keyAt(3), 'other tag', LONG_TTL, { tags: ['t2'] }),
          writeOf(keyAt(4), 'no tag', Infinity),
        ],
        false,
      )
      await invalidate(['t1', 'never-used'])
      const fresh = await s.create()
      for (const [who, store] of [
        ['the writer', a],
        ['the invalidating instance', b],
        ['an instance created after the invalidation', fresh],
      ] as const) {
        expect(
          (await store.get([keyAt(1), keyAt(2), keyAt(3), keyAt(4)])).map((r) => r?.value),
          `${who}: after invalidateTags(['t1']) the values tagged t1 must be absent, the others kept`,
        ).toEqual([undefined, undefined, 'other tag', 'no tag'])
      }
      return PASSED
    },
  )

  add(
    tg,
    'a write whose load started before the invalidation is not served; one written after it is',
    async (s, c) => {
      const a = await s.create()
      const b = await s.create()
      const invalidate = invalidatorOf(a)
      if (invalidate === undefined) return NO_TAGS
      await invalidate(['t1'])
      await b.set(
        [writeOf(keyAt(1), 'loaded before', LONG_TTL, { tags: ['t1'], ageMs: OLD_MS })],
        false,
      )
      expect(
        await readOne(a, keyAt(1)),
        `a value tagged t1 whose load started ${OLD_MS} ms before invalidateTags(['t1']) was ` +
          'served: an invalidation must be compared with the version (load start) of values ' +
          'written after it, too',
      ).toBeUndefined()
      // Past the moment of the invalidation on the store's clock (the same ms counts as before).
      await c.clock.advance(10)
      await b.set([writeOf(keyAt(1), 'loaded after', LONG_TTL, { tags: ['t1'] })], false)
      expect(
        (await readOne(a, keyAt(1)))?.value,
        'a value tagged t1 loaded after the invalidation must be served (a tag is not a ban)',
      ).toBe('loaded after')
      return PASSED
    },
  )

  add(
    tg,
    'lock() treats a value whose tag was invalidated as absent, and takes the lock',
    async (s) => {
      const a = await s.create()
      const b = await s.create()
      const lock = lockOf(b)
      const invalidate = invalidatorOf(a)
      if (invalidate === undefined) return NO_TAGS
      if (lock === undefined) return NO_LOCK
      await a.set([writeOf(keyAt(1), 'v', LONG_TTL, { tags: ['t1'] })], false)
      await invalidate(['t1'])
      const result = await lock(keyAt(1))
      const lease = acquired(
        result,
        'lock() of a key whose value carries an invalidated tag must take the lock (not return it as loaded)',
      )
      await lease.release(false)
      return PASSED
    },
  )

  add(
    tg,
    "invalidateTags() reaches the other instances' subscribers with the tags, not its own",
    async (s, c) => {
      const a = await s.create()
      const b = await s.create()
      const invalidate = invalidatorOf(a)
      if (invalidate === undefined) return NO_TAGS
      if (b.subscribe === undefined || a.subscribe === undefined) return NO_SUBSCRIBE
      const heard = new Recorder()
      const own = new Recorder()
      b.subscribe(heard)
      a.subscribe(own)
      await invalidate(['t1', 't2'])
      await waitUntil(
        () => heard.coversTag('t1') && heard.coversTag('t2'),
        c.deliveryTimeoutMs,
        `another instance was not told invalidateTags(['t1', 't2']); it heard ${JSON.stringify(heard.tags)}`,
      )
      await sleep(10)
      expect(own.tags, 'the invalidating instance heard its own invalidation').toEqual([])
      return PASSED
    },
  )

  add(tg, 'tags are per namespace: invalidating one in another leaves these values', async (s) => {
    const a = await s.create()
    const other = await s.create({ namespace: s.other })
    const invalidate = invalidatorOf(other)
    if (invalidate === undefined) return NO_TAGS
    await a.set([writeOf(keyAt(1), 'kept', LONG_TTL, { tags: ['t1'] })], false)
    await invalidate(['t1'])
    expect(
      (await readOne(a, keyAt(1)))?.value,
      "another namespace's invalidateTags(['t1']) removed a value of this one",
    ).toBe('kept')
    return PASSED
  })

  // ── Late deletes and clears: a replay after an outage ─────────────────────────────────────
  // A cache replays the deletes and clears an outage held back with their age (ageMs): each is
  // as of when it was made, so it removes only what is older, and drops older writes after it.
  const late = 'late deletes and clears (replay after an outage)'

  add(
    late,
    'a delete sent late (ageMs) keeps a value written after its moment and removes an older one',
    async (s) => {
      const a = await s.create()
      const b = await s.create()
      await a.set([writeOf(keyAt(1), 'written after the delete', LONG_TTL)], false)
      await b.set([writeOf(keyAt(2), 'written before', LONG_TTL, { ageMs: 2 * OLD_MS })], false)
      await b.delete([keyAt(1), keyAt(2)], { ageMs: OLD_MS })
      expect(
        (await readOne(a, keyAt(1)))?.value,
        `delete(keys, { ageMs: ${OLD_MS} }) removed a value written after the delete was made: ` +
          'a late delete must be as of now - ageMs, not of its arrival',
      ).toBe('written after the delete')
      expect(
        await readOne(a, keyAt(2)),
        'delete(keys, { ageMs }) must remove a value written before its moment',
      ).toBeUndefined()
      await a.set([writeOf(keyAt(2), 'older still', LONG_TTL, { ageMs: 2 * OLD_MS })], false)
      expect(
        await readOne(a, keyAt(2)),
        "a write as of before a late delete's moment must be dropped (its tombstone is as of then)",
      ).toBeUndefined()
      await a.set([writeOf(keyAt(2), 'after', LONG_TTL, { ageMs: OLD_MS / 2 })], false)
      expect(
        (await readOne(a, keyAt(2)))?.value,
        "a write as of after a late delete's moment must be stored",
      ).toBe('after')
      return PASSED
    },
  )

  add(late, "a delete sent late never moves a newer delete's tombstone back", async (s) => {
    const a = await s.create()
    const b = await s.create()
    await a.delete([keyAt(1)])
    await b.delete([keyAt(1)], { ageMs: OLD_MS })
    await b.set([writeOf(keyAt(1), 'between the deletes', LONG_TTL, { ageMs: OLD_MS / 2 })], false)
    expect(
      await readOne(a, keyAt(1)),
      "a write as of between an older (late) delete and a newer one was stored: the late delete's " +
        'tombstone replaced the newer one',
    ).toBeUndefined()
    return PASSED
  })

  add(
    late,
    'a clear sent late (ageMs) keeps values written after its moment and removes older ones',
    async (s) => {
      const a = await s.create()
      const b = await s.create()
      await b.set([writeOf(keyAt(1), 'written before', LONG_TTL, { ageMs: 2 * OLD_MS })], false)
      await a.set([writeOf(keyAt(2), 'written after the clear', LONG_TTL)], false)
      await b.clear({ ageMs: OLD_MS })
      expect(
        await a.get([keyAt(1), keyAt(2)]).then((records) => records.map((r) => r?.value)),
        `clear({ ageMs: ${OLD_MS} }) must remove the values written before its moment and keep ` +
          'those written after it',
      ).toEqual([undefined, 'written after the clear'])
      await a.set([writeOf(keyAt(3), 'older', LONG_TTL, { ageMs: 2 * OLD_MS })], false)
      expect(
        await readOne(a, keyAt(3)),
        "a write as of before a late clear's moment must be dropped",
      ).toBeUndefined()
      return PASSED
    },
  )

  add(late, "a clear sent late never moves a newer clear's moment back", async (s) => {
    const a = await s.create()
    const b = await s.create()
    await a.clear()
    await b.clear({ ageMs: OLD_MS })
    await b.set([writeOf(keyAt(1), 'between the clears', LONG_TTL, { ageMs: OLD_MS / 2 })], false)
    expect(
      await readOne(a, keyAt(1)),
      "a write as of between an older (late) clear and a newer one was stored: the late clear's " +
        'moment replaced the newer one',
    ).toBeUndefined()
    return PASSED
  })

  return list
}

/** How old the "old" writes of the ordering cases are, in ms. */
const OLD_MS = 5_000

/** Contract points the suite will check once the engine relies on them (shown as todos). */
export const LATER: readonly string[] = []

/**
 * The cases of the L2 contract for stores made by `factory`, to run by hand: each `run()`
 * creates the stores it needs, checks one promise of the contract, and closes them. Use
 * `testL2Store` to register them with vitest instead.
 *
 * @example
 * ```ts
 * for (const c of l2StoreCases(() => memoryL2Store())) console.log(c.title, await c.run())
 * ```
 */
export function l2StoreCases<S extends L2Store>(
  factory: L2StoreFactory<S>,
  options: L2StoreSuiteOptions<S> = {},
): L2StoreCase[] {
  const config = configOf(factory, options)
  return specs<S>().map(({ group, title, body }) => ({
    group,
    title,
    async run(): Promise<L2CaseOutcome> {
      const stores = new CaseStores(config)
      try {
        return (await body(stores, config)) ?? PASSED
      } finally {
        await stores.close()
      }
    },
  }))
}
