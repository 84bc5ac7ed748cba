// The suite must catch broken stores: each store here breaks one promise of the L2 contract, and
// exactly the cases that check that promise fail (the others still pass), with a message that
// says what went wrong.
import { describe, expect, it } from 'vitest'

import { manualClock, memoryBacking } from '../../test/memoryBacking.js'
import type { L2DeleteOptions, L2LockOptions, L2LockResult, L2Store, L2Write } from '../l2.js'
import {
  l2StoreCases,
  type L2StoreContext,
  type L2StoreFactory,
  type L2StoreSuiteOptions,
  type MemoryL2Store,
} from './index.js'

/** A store that forwards to a working memory store, except where a test overrides it. */
class Wrapped implements L2Store {
  readonly inner: MemoryL2Store
  lock?: (key: string, options?: L2LockOptions) => Promise<L2LockResult>

  constructor(inner: MemoryL2Store) {
    this.inner = inner
    if (inner.lock !== undefined) this.lock = inner.lock
  }

  get(keys: readonly string[]) {
    return this.inner.get(keys)
  }

  set(writes: readonly L2Write[], notify: boolean) {
    return this.inner.set(writes, notify)
  }

  delete(keys: readonly string[], options?: L2DeleteOptions) {
    return this.inner.delete(keys, options)
  }

  clear(options?: L2DeleteOptions) {
    return this.inner.clear(options)
  }

  subscribe(subscriber: Parameters<NonNullable<L2Store['subscribe']>>[0]) {
    return this.inner.subscribe(subscriber)
  }

  invalidateTags(tags: readonly string[]) {
    return this.inner.invalidateTags(tags)
  }

  close() {
    return this.inner.close()
  }
}

/** Runs every case against `broken` (a working store changed by `wrap`); the titles that failed. */
async function failures(
  wrap: (store: Wrapped, context: L2StoreContext) => void,
  extra: Partial<L2StoreSuiteOptions<Wrapped>> = {},
): Promise<{ failed: string[]; messages: string[] }> {
  const clock = manualClock()
  const { factory, options } = memoryBacking(clock)
  const broken: L2StoreFactory<Wrapped> = async (context) => {
    const store = new Wrapped(await factory(context))
    wrap(store, context)
    return store
  }
  const cases = l2StoreCases(broken, {
    clock,
    ...options,
    deliveryTimeoutMs: 200,
    unreachableBoundMs: 100,
    recoveryTimeoutMs: 200,
    ...extra,
  })
  const failed: string[] = []
  const messages: string[] = []
  for (const c of cases) {
    try {
      const outcome = await c.run()
      // A lock replaced by one without commit() skips the commit case: not a failure.
      if (outcome.status === 'skipped' && outcome.reason.includes('commit()')) continue
      expect(outcome, c.title).toEqual({ status: 'passed' })
    } catch (error) {
      failed.push(c.title)
      messages.push((error as Error).message)
    }
  }
  return { failed, messages }
}

describe('the L2 suite fails broken stores, in the cases that check what they break', () => {
  it('a store whose entries never expire', async () => {
    const { failed, messages } = await failures((store) => {
      store.set = (writes, notify) =>
        store.inner.set(
          writes.map((write) => ({ ...write, ttlMs: Infinity })),
          notify,
        )
    })
    expect(failed).toEqual([
      'set() stores each value with its fetchedAt; get() returns them, alive',
      'a rewrite replaces the value, its fetchedAt and its time to live',
      'the time to live a read reports counts down: it never ends after the write expires',
      'no copy is served after its expiry, in a many-key read too',
      'a rewrite with a shorter time to live expires at the new time',
      'lock() treats an expired value as absent, not as loaded',
      'a write with staleMs is read back stale (ttlMs <= 0, its staleMs) until ttlMs + staleMs, then gone',
      'lock() hands a stale copy to onStale with its decision (acquired, or before it waits), once; never a fresh copy or one without staleMs',
    ])
    expect(messages[3]).toMatch(/a value written with ttlMs 30 was served 31 ms later/)
  })

  it('a store whose time to live does not count down', async () => {
    const { failed, messages } = await failures((store) => {
      store.get = async (keys) => {
        const records = await store.inner.get(keys)
        return records.map((record) =>
          record === undefined || record.ttlMs === Infinity ? record : { ...record, ttlMs: 60_000 },
        )
      }
    })
    expect(failed).toEqual([
      'a rewrite replaces the value, its fetchedAt and its time to live',
      'the time to live a read reports counts down: it never ends after the write expires',
      'a write with staleMs is read back stale (ttlMs <= 0, its staleMs) until ttlMs + staleMs, then gone',
    ])
    expect(messages[1]).toMatch(/read 30 ms later: .*never outlive its expiry/)
  })

  it('a store that ignores delete()', async () => {
    const { failed } = await failures((store) => {
      // Tells the other instances, removes nothing.
      store.delete = async (keys) => {
        await store.inner.get([])
        store.inner.server.broadcast(store.inner, keys)
      }
    })
    expect(failed).toEqual([
      'delete() removes exactly the keys given',
      'a stale copy keeps the ordering rule: older writes lose to it, deletes remove it',
      'lock() of a key that holds a value returns it as loaded, and takes no lock',
      "a write whose load started before the key's last delete is dropped; a later one is kept",
      "commit() (when lock() gives one) stores the holder's value under the same rule and releases",
      'a delete sent late (ageMs) keeps a value written after its moment and removes an older one',
      "a delete sent late never moves a newer delete's tombstone back",
    ])
  })

  it('a store whose deletes and clears ignore their age (ageMs)', async () => {
    const { failed, messages } = await failures((store) => {
      // As of their arrival: a late delete removes what was written after it was made.
      store.delete = (keys) => store.inner.delete(keys)
      store.clear = () => store.inner.clear()
    })
    expect(failed).toEqual([
      'a delete sent late (ageMs) keeps a value written after its moment and removes an older one',
      'a clear sent late (ageMs) keeps values written after its moment and removes older ones',
    ])
    expect(messages[0]).toMatch(/removed a value written after the delete was made/)
  })

  it('a store whose lock is not exclusive', async () => {
    const { failed, messages } = await failures((store) => {
      store.lock = () => Promise.resolve({ status: 'acquired', release: () => Promise.resolve() })
    })
    expect(failed).toEqual([
      'lock() hands a stale copy to onStale with its decision (acquired, or before it waits), once; never a fresh copy or one without staleMs',
      "the lock is exclusive: another instance waits, then gets the holder's value",
      'lock() of a key that holds a value returns it as loaded, and takes no lock',
      'a waiter gives up after lockWaitMs (skipped) when the holder takes longer',
      "release is by token: a holder whose lease ended cannot free the next holder's lock",
      'every call settles promptly, serving nothing and taking no lock',
    ])
    expect(messages[1]).toMatch(/a second lock\(\) settled .* while the lock was held/)
  })

  it('a store whose release frees the lock whoever holds it', async () => {
    const { failed, messages } = await failures((store, context) => {
      // Locks by key alone, with a lease and waiting, but no token: a release frees any holder.
      const locks = sharedLocks(context.namespace)
      store.lock = async (key, options) => {
        const deadline = Date.now() + context.lockWaitMs
        for (;;) {
          const record = (await store.inner.get([key]))[0]
          if (record !== undefined) return { status: 'loaded', record }
          const now = store.inner.server.now()
          if (!((locks.get(key) ?? -Infinity) > now)) {
            locks.set(key, now + (options?.leaseMs ?? context.lockLeaseMs))
            const release = (): Promise<void> => {
              locks.delete(key)
              return Promise.resolve()
            }
            return { status: 'acquired', release }
          }
          if (Date.now() >= deadline) return { status: 'skipped' }
          await new Promise((resolve) => setTimeout(resolve, 5))
        }
      }
    })
    expect(failed).toEqual([
      'a write with staleMs is read back stale (ttlMs <= 0, its staleMs) until ttlMs + staleMs, then gone',
      'lock() hands a stale copy to onStale with its decision (acquired, or before it waits), once; never a fresh copy or one without staleMs',
      "release is by token: a holder whose lease ended cannot free the next holder's lock",
    ])
    expect(messages[2]).toMatch(/the late release of a's expired lock freed b's/)
  })

  it('a store that delivers no invalidations', async () => {
    const { failed } = await failures((store) => {
      store.subscribe = () => () => {}
    })
    expect(failed).toEqual([
      "delete() reaches the other instances' subscribers with the keys deleted",
      'set() with notify reaches the other instances with the keys written',
      'clear() reaches the other instances as invalidate(null)',
      'the instance that made a change is not told about it',
      'unsubscribing stops delivery, and other namespaces hear nothing',
      'after an outage, subscribers are told to drop everything (messages were missed)',
      "invalidateTags() reaches the other instances' subscribers with the tags, not its own",
    ])
  })

  it('a store that tells an instance about its own changes', async () => {
    const { failed } = await failures((store) => {
      const subscribers = new Set<Parameters<NonNullable<L2Store['subscribe']>>[0]>()
      store.subscribe = (subscriber) => {
        subscribers.add(subscriber)
        const off = store.inner.subscribe(subscriber)
        return () => {
          subscribers.delete(subscriber)
          off()
        }
      }
      store.delete = async (keys, options) => {
        await store.inner.delete(keys, options)
        for (const subscriber of subscribers) subscriber.invalidate(keys)
      }
    })
    expect(failed).toEqual(['the instance that made a change is not told about it'])
  })

  it('a store that serves many-key reads out of order', async () => {
    const { failed } = await failures((store) => {
      store.get = async (keys) => (await store.inner.get([...keys].sort())).slice()
    })
    expect(failed).toEqual([
      'many-key reads keep the order asked, repeat duplicates and miss absent keys',
    ])
  })

  it('a store whose calls hang while the server is unreachable', async () => {
    const { failed, messages } = await failures((store) => {
      const hangWhenDown =
        <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
        (...args: A): Promise<R> =>
          store.inner.server.reachable ? call(...args) : new Promise<R>(() => {})
      store.get = hangWhenDown((keys) => store.inner.get(keys))
      store.set = hangWhenDown((writes, notify) => store.inner.set(writes, notify))
    })
    expect(failed).toEqual(['every call settles promptly, serving nothing and taking no lock'])
    expect(messages[0]).toBe('get() while unreachable did not settle within 100 ms')
  })

  it('a store that only tells the other instances about a tag invalidation', async () => {
    const { failed, messages } = await failures((store) => {
      store.invalidateTags = async (tags) => {
        await store.inner.get([])
        store.inner.server.broadcastTags(store.inner, tags)
      }
    })
    expect(failed).toEqual([
      'lock() never hands a stale copy carrying an invalidated tag',
      'invalidateTags() makes every value carrying one of the tags absent for every instance, a new one too, and leaves the rest',
      'a write whose load started before the invalidation is not served; one written after it is',
      'lock() treats a value whose tag was invalidated as absent, and takes the lock',
    ])
    expect(messages[1]).toMatch(
      /^the writer: after invalidateTags\(\['t1'\]\) the values tagged t1/,
    )
  })

  it('a store that removes the tagged values but keeps no invalidation time', async () => {
    const { failed, messages } = await failures((store) => {
      // What a scan-and-delete store does: values written later, from older loads, come back.
      store.invalidateTags = async (tags) => {
        await store.inner.get([])
        const server = store.inner.server
        for (const [key, entry] of [...server.values]) {
          if (entry.tags?.some((tag) => tags.includes(tag)) === true) server.remove(key)
        }
        server.broadcastTags(store.inner, tags)
      }
    })
    expect(failed).toEqual([
      'a write whose load started before the invalidation is not served; one written after it is',
    ])
    expect(messages[0]).toMatch(/whose load started 5000 ms before invalidateTags/)
  })

  it('a store that forgets the tags it was written with', async () => {
    const { failed } = await failures((store) => {
      store.set = (writes, notify) =>
        store.inner.set(
          writes.map(({ tags: _tags, ...write }) => write),
          notify,
        )
    })
    expect(failed).toEqual([
      'lock() never hands a stale copy carrying an invalidated tag',
      'a value written with tags comes back with them; one without has none',
      'invalidateTags() makes every value carrying one of the tags absent for every instance, a new one too, and leaves the rest',
      'a write whose load started before the invalidation is not served; one written after it is',
      'lock() treats a value whose tag was invalidated as absent, and takes the lock',
    ])
  })

  it('skips what a store does not offer, saying why', async () => {
    const clock = manualClock()
    const { factory } = memoryBacking(clock)
    // get, set, delete and clear only: no lock, no subscribe, no makeUnreachable option.
    const bare: L2StoreFactory = async (context) => {
      const store = await factory(context)
      return {
        get: (keys) => store.get(keys),
        set: (writes, notify) => store.set(writes, notify),
        delete: (keys, options) => store.delete(keys, options),
        clear: (options) => store.clear(options),
      }
    }
    const skipped: string[] = []
    for (const c of l2StoreCases(bare, { clock })) {
      const outcome = await c.run()
      if (outcome.status === 'skipped') skipped.push(`${c.group}: ${outcome.reason}`)
    }
    const noLock = 'the store has no lock() (distributed single flight is optional)'
    const noSubscribe = 'the store has no subscribe() (invalidation delivery is optional)'
    const noOutage =
      'no makeUnreachable option was given, so the suite cannot cut the store off its server'
    const noTags = 'the store has no invalidateTags() (tags are optional)'
    expect(skipped).toEqual([
      `expiry: ${noLock}`,
      `fail-safe (staleMs): ${noLock}`,
      `fail-safe (staleMs): ${noLock}`,
      ...Array.from({ length: 9 }, () => `locks: ${noLock}`),
      ...Array.from({ length: 5 }, () => `invalidation: ${noSubscribe}`),
      ...Array.from({ length: 3 }, () => `unreachable server: ${noOutage}`),
      `ordering: ${noLock}`,
      ...Array.from({ length: 6 }, () => `tags: ${noTags}`),
    ])
  })
})

/** Lock tables by namespace, shared by the stores of the broken-release test. */
const locksByNamespace = new Map<string, Map<string, number>>()

/** The lock table of `namespace`: key → end of the lease. */
function sharedLocks(namespace: string): Map<string, number> {
  let locks = locksByNamespace.get(namespace)
  if (locks === undefined) locksByNamespace.set(namespace, (locks = new Map()))
  return locks
}
