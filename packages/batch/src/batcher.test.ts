/* eslint-disable @typescript-eslint/require-await -- batch functions here are async like real ones */
import { stableHash } from '@cache/keys'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { BatchError } from './batchError.js'
import { Batcher, type BatchContext } from './batcher.js'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** A batch function that doubles numbers, recording each call's keys. */
function doubler() {
  return vi.fn(async (keys: number[]) => keys.map((key) => key * 2))
}

/** Sizes of the batches a batch function was called with. */
function sizes(fn: { mock: { calls: unknown[][] } }): number[] {
  return fn.mock.calls.map((call) => (call[0] as unknown[]).length)
}

/** The reason a promise rejects with; fails the test if it resolves. */
function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${String(value)}`)
    },
    (error: unknown) => error,
  )
}

/** Lets promise jobs and process.nextTick callbacks run (neither is faked). */
async function ticks(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) {
    await new Promise<void>((resolve) => {
      process.nextTick(resolve)
    })
  }
}

function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (reason: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('batching', () => {
  it('dispatches 250 loads of one tick with maxBatchSize 100 as 3 batches of 100, 100 and 50', async () => {
    const batchFn = doubler()
    const batcher = new Batcher(batchFn, { maxBatchSize: 100 })
    const keys = Array.from({ length: 250 }, (_, i) => i)
    const values = await Promise.all(keys.map((key) => batcher.load(key)))
    expect(values).toEqual(keys.map((key) => key * 2))
    expect(sizes(batchFn)).toEqual([100, 100, 50])
    expect(batchFn.mock.calls[0]![0]).toEqual(keys.slice(0, 100))
    expect(batchFn.mock.calls[1]![0]).toEqual(keys.slice(100, 200))
    expect(batchFn.mock.calls[2]![0]).toEqual(keys.slice(200))
  })

  it('dispatches full batches at once without waiting for a timer window', async () => {
    const batchFn = doubler()
    const batcher = new Batcher(batchFn, { windowMs: 5, maxBatchSize: 100 })
    const loads = Array.from({ length: 250 }, (_, i) => batcher.load(i))
    await ticks()
    expect(sizes(batchFn)).toEqual([100, 100])
    await vi.advanceTimersByTimeAsync(4)
    expect(sizes(batchFn)).toEqual([100, 100])
    await vi.advanceTimersByTimeAsync(1)
    expect(sizes(batchFn)).toEqual([100, 100, 50])
    expect(await Promise.all(loads)).toEqual(Array.from({ length: 250 }, (_, i) => i * 2))
  })

  it('uses 100 as the default maxBatchSize', async () => {
    const batchFn = doubler()
    const batcher = new Batcher(batchFn)
    await Promise.all(Array.from({ length: 201 }, (_, i) => batcher.load(i)))
    expect(sizes(batchFn)).toEqual([100, 100, 1])
  })

  it('puts loads of separate ticks in separate batches with windowMs 0', async () => {
    const batchFn = doubler()
    const batcher = new Batcher(batchFn)
    const first = batcher.load(1)
    await ticks()
    const second = batcher.load(2)
    expect(await Promise.all([first, second])).toEqual([2, 4])
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([[1], [2]])
  })

  it('adds loads made by promise callbacks of the same tick to the batch', async () => {
    const batchFn = doubler()
    const batcher = new Batcher(batchFn)
    const loads = [batcher.load(1)]
    const chained = Promise.resolve()
      .then(() => {
        loads.push(batcher.load(2))
      })
      .then(() => {
        loads.push(batcher.load(3))
      })
    await chained
    expect(await Promise.all(loads)).toEqual([2, 4, 6])
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([[1, 2, 3]])
  })

  it('collects loads for windowMs from the first load, then dispatches them together', async () => {
    const batchFn = doubler()
    const batcher = new Batcher(batchFn, { windowMs: 5 })
    const loads = [batcher.load(1)]
    await vi.advanceTimersByTimeAsync(4)
    loads.push(batcher.load(2))
    expect(batchFn).toHaveBeenCalledTimes(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([[1, 2]])
    loads.push(batcher.load(3))
    await vi.advanceTimersByTimeAsync(5)
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([[1, 2], [3]])
    expect(await Promise.all(loads)).toEqual([2, 4, 6])
  })

  it('gives duplicate keys of one window one slot and the same promise', async () => {
    const batchFn = doubler()
    const batcher = new Batcher(batchFn)
    const a = batcher.load(1)
    const b = batcher.load(2)
    const c = batcher.load(1)
    expect(c).toBe(a)
    expect(await Promise.all([a, b, c])).toEqual([2, 4, 2])
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([[1, 2]])
  })

  it('counts distinct keys, not loads, towards maxBatchSize', async () => {
    const batchFn = doubler()
    const batcher = new Batcher(batchFn, { maxBatchSize: 3 })
    const loads = [1, 1, 2, 2, 3, 4, 4].map((key) => batcher.load(key))
    expect(await Promise.all(loads)).toEqual([2, 2, 4, 4, 6, 8, 8])
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([[1, 2, 3], [4]])
  })

  it('shares the load of a key asked for again after its batch filled, in the same window', async () => {
    const batchFn = doubler()
    const batcher = new Batcher(batchFn, { maxBatchSize: 2 })
    const loads = [1, 2, 1].map((key) => batcher.load(key))
    expect(loads[2]).toBe(loads[0])
    expect(await Promise.all(loads)).toEqual([2, 4, 2])
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([[1, 2]])
  })

  it.each([30, 0])(
    'loads a b c d e f g a of one window (windowMs %i) as batches of 3, 3 and 1, a once',
    async (windowMs) => {
      const batchFn = vi.fn(async (keys: string[]) => keys.map((key) => key.toUpperCase()))
      const batcher = new Batcher(batchFn, { windowMs, maxBatchSize: 3 })
      const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'a']
      const loads = keys.map((key) => batcher.load(key))
      expect(loads[7]).toBe(loads[0])
      await vi.advanceTimersByTimeAsync(windowMs)
      expect(await Promise.all(loads)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'A'])
      expect(batchFn.mock.calls.map((call) => call[0])).toEqual([
        ['a', 'b', 'c'],
        ['d', 'e', 'f'],
        ['g'],
      ])
      expect(batchFn).toHaveBeenCalledTimes(3)
    },
  )

  it('shares a load with a batch of the window that was already dispatched (windowMs 30)', async () => {
    const batchFn = doubler()
    const batcher = new Batcher(batchFn, { windowMs: 30, maxBatchSize: 2 })
    const first = [batcher.load(1), batcher.load(2)]
    await vi.advanceTimersByTimeAsync(10)
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([[1, 2]])
    const again = batcher.load(2)
    const third = batcher.load(3)
    expect(again).toBe(first[1])
    await vi.advanceTimersByTimeAsync(20)
    expect(await Promise.all([...first, again, third])).toEqual([2, 4, 4, 6])
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([[1, 2], [3]])
    // A new window asks again.
    const later = batcher.load(2)
    expect(later).not.toBe(first[1])
    await vi.advanceTimersByTimeAsync(30)
    expect(await later).toBe(4)
    expect(batchFn).toHaveBeenCalledTimes(3)
  })

  it('dispatches full batches of a windowMs 0 window with the rest, after the tick’s promise jobs', async () => {
    const batchFn = doubler()
    const batcher = new Batcher(batchFn, { maxBatchSize: 2 })
    const loads = [batcher.load(1), batcher.load(2), batcher.load(3)]
    await Promise.resolve()
    await Promise.resolve()
    expect(batchFn).toHaveBeenCalledTimes(0)
    expect(await Promise.all(loads)).toEqual([2, 4, 6])
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([[1, 2], [3]])
  })

  it('dispatches every batch of a tick when all of them are full', async () => {
    const batchFn = doubler()
    const batcher = new Batcher(batchFn, { maxBatchSize: 100 })
    await Promise.all(Array.from({ length: 200 }, (_, i) => batcher.load(i)))
    expect(sizes(batchFn)).toEqual([100, 100])
  })

  it('ends a timer window for all its batches: full ones go at once, the last one at its end', async () => {
    const batchFn = doubler()
    const batcher = new Batcher(batchFn, { windowMs: 5, maxBatchSize: 2 })
    const loads = [batcher.load(1), batcher.load(2)]
    await ticks()
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([[1, 2]])
    await vi.advanceTimersByTimeAsync(3)
    loads.push(batcher.load(3))
    await vi.advanceTimersByTimeAsync(1)
    expect(batchFn).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([[1, 2], [3]])
    loads.push(batcher.load(4))
    await vi.advanceTimersByTimeAsync(4)
    expect(batchFn).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([[1, 2], [3], [4]])
    expect(await Promise.all(loads)).toEqual([2, 4, 6, 8])
  })

  it('asks again for a key that was loaded in an earlier window', async () => {
    const batchFn = doubler()
    const batcher = new Batcher(batchFn)
    expect(await batcher.load(1)).toBe(2)
    expect(await batcher.load(1)).toBe(2)
    expect(batchFn).toHaveBeenCalledTimes(2)
  })

  it('keeps 1 and "1" apart', async () => {
    const batchFn = vi.fn(async (keys: (number | string)[]) => keys.map((key) => typeof key))
    const batcher = new Batcher(batchFn)
    expect(await Promise.all([batcher.load(1), batcher.load('1')])).toEqual(['number', 'string'])
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([[1, '1']])
  })

  it('gives structurally equal object keys one slot through stableHash', async () => {
    const batchFn = vi.fn(async (keys: { id: number; tag?: string }[]) => keys.map((k) => k.id))
    const batcher = new Batcher(batchFn)
    const a = batcher.load({ id: 1, tag: 'x' })
    const b = batcher.load({ tag: 'x', id: 1 })
    const c = batcher.load({ id: 2 })
    expect(b).toBe(a)
    expect(await Promise.all([a, b, c])).toEqual([1, 1, 2])
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([[{ id: 1, tag: 'x' }, { id: 2 }]])
  })

  it('uses keyFn for identity and passes the first key asked for', async () => {
    const batchFn = vi.fn(async (keys: string[]) => keys.map((key) => key.toLowerCase()))
    const batcher = new Batcher(batchFn, { keyFn: (key) => key.toLowerCase() })
    const loads = [batcher.load('Ada'), batcher.load('ADA'), batcher.load('alan')]
    expect(loads[1]).toBe(loads[0])
    expect(await Promise.all(loads)).toEqual(['ada', 'ada', 'alan'])
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([['Ada', 'alan']])
  })

  it('dedupes by a keyFn that gives some keys themselves and others another identity', async () => {
    const batchFn = vi.fn(
      async (keys: string[]) => new Map(keys.map((key) => [key.toLowerCase(), key])),
    )
    const batcher = new Batcher(batchFn, { keyFn: (key) => key.toLowerCase() })
    const keys = ['a', 'B', ...Array.from({ length: 10 }, (_, i) => `k${i}`), 'b', 'A', 'K3']
    const loads = keys.map((key) => batcher.load(key))
    expect(loads[12]).toBe(loads[1])
    expect(loads[13]).toBe(loads[0])
    expect(loads[14]).toBe(loads[5])
    expect(await Promise.all(loads)).toEqual([...keys.slice(0, 12), 'B', 'a', 'k3'])
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([keys.slice(0, 12)])
  })

  it('rejects a load whose keyFn throws, and only that load', async () => {
    const batchFn = doubler()
    const boom = new RangeError('bad key')
    const batcher = new Batcher(batchFn, {
      keyFn: (key) => {
        if (key < 0) throw boom
        return key
      },
    })
    const bad = rejection(batcher.load(-1))
    expect(await batcher.load(1)).toBe(2)
    expect(await bad).toBe(boom)
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([[1]])
  })

  it('rejects a load whose object key stableHash cannot hash with ERR_BATCH_KEY, and only that load', async () => {
    const batchFn = vi.fn(async (keys: object[]) => keys.map(() => 'v'))
    const batcher = new Batcher(batchFn)
    const boom = new Error('getter')
    const key = {
      get id(): number {
        throw boom
      },
    }
    const bad = rejection(batcher.load(key))
    expect(await batcher.load({ id: 1 })).toBe('v')
    const error = await bad
    expect(error).toBeInstanceOf(BatchError)
    expect(error).toMatchObject({
      code: 'ERR_BATCH_KEY',
      message: 'key an object has no identity: stableHash threw Error: getter',
      cause: boom,
    })
    // toMatchObject would read the getter.
    expect((error as BatchError).value).toBe(key)
    expect(batchFn).toHaveBeenCalledTimes(1)
  })

  it('passes the batch function a signal that is not aborted', async () => {
    let context: BatchContext | undefined
    const batcher = new Batcher(async (keys: number[], ctx) => {
      context = ctx
      return keys
    })
    await batcher.load(1)
    expect(context?.signal.aborted).toBe(false)
  })
})

describe('results', () => {
  it('rejects only the key whose slot holds an Error', async () => {
    const notFound = new Error('user 2 not found')
    const batcher = new Batcher(async (keys: number[]) =>
      keys.map((key) => (key === 2 ? notFound : key * 10)),
    )
    const [one, two, three] = [batcher.load(1), batcher.load(2), batcher.load(3)]
    const failed = rejection(two)
    expect(await one).toBe(10)
    expect(await three).toBe(30)
    expect(await failed).toBe(notFound)
  })

  it('accepts a Map from key to value, Errors failing only their key', async () => {
    const gone = new Error('gone')
    const batcher = new Batcher(
      async (keys: string[]) => new Map(keys.map((key) => [key, key === 'b' ? gone : key.length])),
    )
    const b = rejection(batcher.load('b'))
    expect(await Promise.all([batcher.load('a'), batcher.load('ccc')])).toEqual([1, 3])
    expect(await b).toBe(gone)
  })

  it('looks a Map up by the keyFn identity when the key itself is missing', async () => {
    const batcher = new Batcher(
      async (names: string[]) => new Map(names.map((name) => [name.toLowerCase(), name.length])),
      { keyFn: (name) => name.toLowerCase() },
    )
    expect(await batcher.load('Ada')).toBe(3)
  })

  it('resolves to undefined when a Map holds the key with the value undefined', async () => {
    const batcher = new Batcher(
      async (keys: number[]) =>
        new Map<number, string | undefined>(keys.map((k) => [k, undefined])),
    )
    const value = await batcher.load(1)
    expect(value).toBe(undefined)
  })

  it('rejects only the keys a Map leaves out, with ERR_BATCH_FN', async () => {
    const result = new Map([[1, 'one']])
    const batcher = new Batcher<number, string>(async () => result)
    const two = rejection(batcher.load(2))
    expect(await batcher.load(1)).toBe('one')
    const error = await two
    expect(error).toBeInstanceOf(BatchError)
    expect(error).toMatchObject({
      code: 'ERR_BATCH_FN',
      message: 'batchFn returned a Map without the key 2: every key asked for must be present',
      value: result,
    })
  })

  it('accepts a plain object keyed by String(key)', async () => {
    const batcher = new Batcher(async (keys: number[]) =>
      Object.fromEntries(keys.map((key) => [String(key), key + 0.5])),
    )
    expect(await Promise.all([batcher.load(1), batcher.load(2)])).toEqual([1.5, 2.5])
  })

  it('accepts a plain object keyed by stableHash(key) for object keys', async () => {
    const batcher = new Batcher(async (keys: { id: number }[]) =>
      Object.fromEntries(keys.map((key) => [stableHash(key), key.id])),
    )
    expect(await Promise.all([batcher.load({ id: 1 }), batcher.load({ id: 2 })])).toEqual([1, 2])
  })

  it('accepts an object without a prototype', async () => {
    const batcher = new Batcher(async (keys: string[]) => {
      const out = Object.create(null) as Record<string, number>
      for (const key of keys) out[key] = key.length
      return out
    })
    expect(await batcher.load('abc')).toBe(3)
  })

  it('rejects only the keys a plain object leaves out, with ERR_BATCH_FN', async () => {
    const result = { a: 1 }
    const batcher = new Batcher<string, number>(async () => result)
    const b = rejection(batcher.load('b'))
    expect(await batcher.load('a')).toBe(1)
    const error = await b
    expect(error).toBeInstanceOf(BatchError)
    expect(error).toMatchObject({
      code: 'ERR_BATCH_FN',
      message:
        'batchFn returned an object without the key "b": every key asked for must be present',
      value: result,
    })
  })

  it('does not read inherited properties of a plain object result', async () => {
    const batcher = new Batcher<string, unknown>(async () => ({}))
    const error = await rejection(batcher.load('toString'))
    expect(error).toMatchObject({ code: 'ERR_BATCH_FN' })
  })

  it('accepts a result returned synchronously', async () => {
    const batchFn = vi.fn((keys: number[]) => keys.map((key) => key + 1))
    const batcher = new Batcher(batchFn)
    expect(await Promise.all([batcher.load(1), batcher.load(2)])).toEqual([2, 3])
    expect(batchFn).toHaveBeenCalledTimes(1)
  })

  it('accepts any thenable', async () => {
    const batcher = new Batcher(
      (keys: number[]) =>
        ({
          then(onFulfilled: (values: number[]) => void) {
            onFulfilled(keys.map((key) => -key))
          },
        }) as unknown as PromiseLike<number[]>,
    )
    expect(await batcher.load(4)).toBe(-4)
  })
})

describe('a misbehaving batch function', () => {
  /** Loads keys 1 and 2 from a batcher and returns each load's rejection. */
  async function failBoth(batcher: Batcher<number, unknown>): Promise<unknown[]> {
    return Promise.all([rejection(batcher.load(1)), rejection(batcher.load(2))])
  }

  /** A batch function that misbehaves on its first call and doubles afterwards. */
  function badOnce(misbehave: (keys: number[]) => unknown) {
    let calls = 0
    return vi.fn((keys: number[]) => {
      calls++
      if (calls === 1) return misbehave(keys)
      return Promise.resolve(keys.map((key) => key * 2))
    }) as unknown as (keys: number[]) => Promise<number[]>
  }

  it('rejects every key with ERR_BATCH_FN when it returns too few values, then keeps working', async () => {
    const wrong = [2]
    const batcher = new Batcher(badOnce(() => Promise.resolve(wrong)))
    const errors = await failBoth(batcher)
    expect(errors[0]).toBeInstanceOf(BatchError)
    expect(errors[0]).toMatchObject({
      code: 'ERR_BATCH_FN',
      message: 'batchFn must return one value per key, in key order: expected 2 values, got 1',
      value: wrong,
    })
    expect(errors[1]).toBe(errors[0])
    expect(await batcher.load(3)).toBe(6)
  })

  it('rejects every key with ERR_BATCH_FN when it returns too many values', async () => {
    const batcher = new Batcher<number, number>(async () => [1, 2, 3])
    const [error] = await failBoth(batcher)
    expect(error).toMatchObject({
      code: 'ERR_BATCH_FN',
      message: 'batchFn must return one value per key, in key order: expected 2 values, got 3',
    })
  })

  it('rejects every key with ERR_BATCH_FN and the cause when it throws synchronously', async () => {
    const boom = new TypeError('boom')
    const batcher = new Batcher(
      badOnce(() => {
        throw boom
      }),
    )
    const errors = await failBoth(batcher)
    expect(errors[0]).toBeInstanceOf(BatchError)
    expect(errors[0]).toMatchObject({
      code: 'ERR_BATCH_FN',
      message: 'batchFn threw synchronously: TypeError: boom',
      cause: boom,
      value: boom,
    })
    expect(errors[1]).toBe(errors[0])
    expect(await batcher.load(3)).toBe(6)
  })

  it('rejects every key with ERR_BATCH_FN and the cause when it rejects', async () => {
    const boom = new Error('database is down')
    const batcher = new Batcher(badOnce(() => Promise.reject(boom)))
    const errors = await failBoth(batcher)
    expect(errors[0]).toBeInstanceOf(BatchError)
    expect(errors[0]).toMatchObject({
      code: 'ERR_BATCH_FN',
      message: 'batchFn rejected: Error: database is down',
      cause: boom,
    })
    expect(await batcher.load(3)).toBe(6)
  })

  it('names a non-Error rejection value', async () => {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- on purpose
    const batcher = new Batcher(badOnce(() => Promise.reject('nope')))
    const [error] = await failBoth(batcher)
    expect(error).toMatchObject({ code: 'ERR_BATCH_FN', message: 'batchFn rejected: "nope"' })
  })

  it('rejects every key with ERR_BATCH_FN when it returns nothing', async () => {
    const batcher = new Batcher(badOnce(() => undefined))
    const errors = await failBoth(batcher)
    expect(errors[0]).toBeInstanceOf(BatchError)
    expect(errors[0]).toMatchObject({
      code: 'ERR_BATCH_FN',
      message:
        'batchFn must return an array, a Map or a plain object of values (or a promise of one), got: undefined',
    })
    expect(await batcher.load(3)).toBe(6)
  })

  it('rejects every key with ERR_BATCH_FN when it resolves to a number', async () => {
    const batcher = new Batcher(badOnce(() => Promise.resolve(42)))
    const [error] = await failBoth(batcher)
    expect(error).toMatchObject({
      code: 'ERR_BATCH_FN',
      message:
        'batchFn must return an array, a Map or a plain object of values (or a promise of one), got: 42',
      value: 42,
    })
  })

  it('rejects every key with ERR_BATCH_FN when it resolves to a Set', async () => {
    const batcher = new Batcher(badOnce(() => Promise.resolve(new Set([2, 4]))))
    const [error] = await failBoth(batcher)
    expect(error).toMatchObject({
      code: 'ERR_BATCH_FN',
      message:
        'batchFn must return an array, a Map or a plain object of values (or a promise of one), got: a Set',
    })
  })

  it('rejects every key with ERR_BATCH_FN when the returned thenable throws in then()', async () => {
    const broken = {
      then() {
        throw new Error('broken then')
      },
    }
    const batcher = new Batcher(badOnce(() => broken))
    const [error] = await failBoth(batcher)
    expect(error).toMatchObject({
      code: 'ERR_BATCH_FN',
      message: 'batchFn returned a thenable whose then() threw',
      value: broken,
    })
    expect((error as Error).cause).toEqual(new Error('broken then'))
    expect(await batcher.load(3)).toBe(6)
  })

  it('rejects every key with ERR_BATCH_TIMEOUT after timeoutMs when it never settles', async () => {
    const contexts: BatchContext[] = []
    let calls = 0
    const batcher = new Batcher(
      (keys: number[], context) => {
        contexts.push(context)
        calls++
        if (calls === 1) return new Promise<number[]>(() => undefined)
        return Promise.resolve(keys.map((key) => key * 2))
      },
      { timeoutMs: 50 },
    )
    const errors = failBoth(batcher)
    await vi.advanceTimersByTimeAsync(49)
    expect(contexts[0]?.signal.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    const [error, second] = await errors
    expect(error).toBeInstanceOf(BatchError)
    expect(error).toMatchObject({
      code: 'ERR_BATCH_TIMEOUT',
      message: 'batchFn did not settle within 50 ms (timeoutMs) for 2 keys',
      value: 50,
    })
    expect(second).toBe(error)
    expect(contexts[0]?.signal.aborted).toBe(true)
    expect(contexts[0]?.signal.reason).toBe(error)
    expect(await batcher.load(3)).toBe(6)
    expect(contexts[1]?.signal.aborted).toBe(false)
  })

  it('ignores a result that arrives after the timeout', async () => {
    const late = deferred<number[]>()
    const batcher = new Batcher<number, number>(() => late.promise, { timeoutMs: 10 })
    const load = rejection(batcher.load(1))
    await vi.advanceTimersByTimeAsync(10)
    late.resolve([2])
    expect(await load).toMatchObject({ code: 'ERR_BATCH_TIMEOUT' })
  })

  it('does not time out a batch that settles in time', async () => {
    const batcher = new Batcher(async (keys: number[]) => keys, { timeoutMs: 10 })
    expect(await batcher.load(1)).toBe(1)
    await vi.advanceTimersByTimeAsync(20)
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('hostile results and arguments', () => {
  function revokedProxy(): object {
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    return proxy
  }

  it('rejects every key with ERR_BATCH_FN when the result is a revoked Proxy, then keeps working', async () => {
    let calls = 0
    // Returned as it is, not from an async function (whose promise would read `then` itself).
    const batcher = new Batcher((keys: number[]) =>
      calls++ === 0 ? (revokedProxy() as never) : keys,
    )
    const errors = await Promise.all([rejection(batcher.load(1)), rejection(batcher.load(2))])
    expect(errors[0]).toBe(errors[1])
    expect(errors[0]).toBeInstanceOf(BatchError)
    expect(errors[0]).toMatchObject({
      code: 'ERR_BATCH_FN',
      message: 'batchFn returned a value whose then could not be read',
    })
    expect((errors[0] as BatchError).cause).toBeInstanceOf(TypeError)
    expect(await batcher.load(3)).toBe(3)
  })

  it('fails only the key whose value cannot be read, with ERR_BATCH_FN', async () => {
    const boom = new Error('getter')
    const batcher = new Batcher(async (keys: string[]) => {
      const record: Record<string, unknown> = { a: 'A', c: 'C' }
      Object.defineProperty(record, 'b', {
        enumerable: true,
        get() {
          throw boom
        },
      })
      return keys.map((key) => (key === 'd' ? revokedProxy() : key)).length === 4
        ? Object.assign(record, { d: revokedProxy() })
        : record
    })
    const loads = ['a', 'b', 'c', 'd'].map((key) =>
      batcher.load(key).catch((error: unknown) => error),
    )
    const [a, b, c, d] = await Promise.all(loads)
    expect([a, c]).toEqual(['A', 'C'])
    expect(b).toMatchObject({
      code: 'ERR_BATCH_FN',
      message: 'batchFn\'s value for the key "b" could not be read: Error: getter',
      cause: boom,
    })
    expect(d).toMatchObject({ code: 'ERR_BATCH_FN' })
    expect((d as BatchError).message).toMatch(
      /^batchFn's value for the key "d" could not be read: TypeError/,
    )
  })

  it('throws ERR_BATCH_KEY from loadMany when keys cannot be iterated', () => {
    const batcher = new Batcher(doubler())
    let error: unknown
    try {
      void batcher.loadMany(5 as never)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(BatchError)
    expect(error).toMatchObject({
      code: 'ERR_BATCH_KEY',
      message:
        'loadMany needs an iterable of keys; iterating 5 threw TypeError: keys is not iterable',
      value: 5,
    })
  })

  it('throws ERR_BATCH_KEY from prime when the value’s then cannot be read', () => {
    const batcher = new Batcher(doubler(), { cache: true })
    const value = revokedProxy()
    expect(() => batcher.prime(1, value as never)).toThrow(BatchError)
    expect(() => batcher.prime(1, value as never)).toThrow(/^prime needs a value or an Error/)
  })
})

describe('concurrency', () => {
  it('runs at most concurrency batches at once, the others in order when one settles', async () => {
    const pending: { keys: number[]; done: (values: number[]) => void }[] = []
    const batchFn = vi.fn(
      (keys: number[]) =>
        new Promise<number[]>((resolve) => {
          pending.push({ keys, done: resolve })
        }),
    )
    const batcher = new Batcher(batchFn, { maxBatchSize: 2, concurrency: 2 })
    const loads = [1, 2, 3, 4, 5, 6].map((key) => batcher.load(key))
    await ticks()
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([
      [1, 2],
      [3, 4],
    ])
    pending[1]!.done([30, 40])
    await ticks()
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ])
    pending[0]!.done([10, 20])
    pending[2]!.done([50, 60])
    expect(await Promise.all(loads)).toEqual([10, 20, 30, 40, 50, 60])
  })

  it('frees the slot of a batch that timed out', async () => {
    const batchFn = vi.fn((keys: number[]) =>
      keys[0] === 1 ? new Promise<number[]>(() => undefined) : Promise.resolve(keys),
    )
    const batcher = new Batcher(batchFn, { concurrency: 1, timeoutMs: 100 })
    const first = rejection(batcher.load(1))
    await ticks()
    const second = batcher.load(2)
    await vi.advanceTimersByTimeAsync(99)
    expect(batchFn).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(await first).toMatchObject({ code: 'ERR_BATCH_TIMEOUT' })
    expect(await second).toBe(2)
    expect(batchFn).toHaveBeenCalledTimes(2)
  })

  it('frees the slot of a batch that failed', async () => {
    const batchFn = vi.fn((keys: number[]) =>
      keys[0] === 1 ? Promise.reject(new Error('x')) : Promise.resolve(keys),
    )
    const batcher = new Batcher(batchFn, { concurrency: 1 })
    const first = rejection(batcher.load(1))
    await ticks()
    expect(await batcher.load(2)).toBe(2)
    expect(await first).toMatchObject({ code: 'ERR_BATCH_FN' })
  })
})

describe('abort', () => {
  it('rejects the loads of an open window with AbortError and never dispatches them', async () => {
    const batchFn = doubler()
    const controller = new AbortController()
    const batcher = new Batcher(batchFn, { windowMs: 5, signal: controller.signal })
    const loads = [rejection(batcher.load(1)), rejection(batcher.load(2))]
    await vi.advanceTimersByTimeAsync(2)
    controller.abort()
    const [a, b] = await Promise.all(loads)
    expect(a).toBeInstanceOf(DOMException)
    expect(a).toMatchObject({ name: 'AbortError', message: 'This operation was aborted' })
    expect(b).toBe(a)
    await vi.advanceTimersByTimeAsync(10)
    expect(batchFn).toHaveBeenCalledTimes(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('rejects with signal.reason when one is given', async () => {
    const controller = new AbortController()
    const batcher = new Batcher(doubler(), { signal: controller.signal })
    const load = rejection(batcher.load(1))
    const reason = new Error('request closed')
    controller.abort(reason)
    expect(await load).toBe(reason)
  })

  it('rejects later loads at once and dispatches nothing new', async () => {
    const batchFn = doubler()
    const controller = new AbortController()
    const batcher = new Batcher(batchFn, { signal: controller.signal })
    controller.abort()
    const error = await rejection(batcher.load(1))
    expect(error).toMatchObject({ name: 'AbortError' })
    expect(await batcher.loadMany([2, 3])).toEqual([error, error])
    await ticks()
    expect(batchFn).toHaveBeenCalledTimes(0)
  })

  it('treats a signal aborted before construction as aborted', async () => {
    const batchFn = doubler()
    const reason = new Error('too late')
    const batcher = new Batcher(batchFn, { signal: AbortSignal.abort(reason) })
    expect(await rejection(batcher.load(1))).toBe(reason)
    expect(batchFn).toHaveBeenCalledTimes(0)
  })

  it('rejects running and waiting batches and aborts the running ones’ signal', async () => {
    const contexts: BatchContext[] = []
    const batchFn = vi.fn((keys: number[], context: BatchContext) => {
      expect(keys).toHaveLength(1)
      contexts.push(context)
      return new Promise<number[]>(() => undefined)
    })
    const controller = new AbortController()
    const batcher = new Batcher(batchFn, {
      maxBatchSize: 1,
      concurrency: 1,
      signal: controller.signal,
    })
    const loads = [rejection(batcher.load(1)), rejection(batcher.load(2))]
    await ticks()
    expect(batchFn).toHaveBeenCalledTimes(1)
    expect(contexts[0]!.signal).toBe(controller.signal)
    const reason = new Error('stop')
    controller.abort(reason)
    expect(await Promise.all(loads)).toEqual([reason, reason])
    expect(contexts[0]!.signal.aborted).toBe(true)
    await ticks()
    expect(batchFn).toHaveBeenCalledTimes(1)
  })

  it('aborts the per-batch signal with the reason when timeoutMs is set', async () => {
    const contexts: BatchContext[] = []
    const controller = new AbortController()
    const batcher = new Batcher(
      (keys: number[], context: BatchContext) => {
        expect(keys).toEqual([1])
        contexts.push(context)
        return new Promise<number[]>(() => undefined)
      },
      { timeoutMs: 1000, signal: controller.signal },
    )
    const load = rejection(batcher.load(1))
    await ticks()
    const reason = new Error('stop')
    controller.abort(reason)
    expect(await load).toBe(reason)
    expect(contexts[0]!.signal.reason).toBe(reason)
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('loadMany', () => {
  it('settles each slot with its own value when keys repeat across the batches of a window', async () => {
    // Each slot's promise takes the value at its place in the result: duplicates share a slot.
    const batchFn = vi.fn(async (keys: number[]) =>
      keys.map((key) => (key % 3 === 0 ? new Error(`no ${key}`) : key * 10)),
    )
    const batcher = new Batcher(batchFn, { maxBatchSize: 4 })
    const keys = [1, 2, 3, 4, 5, 1, 6, 7, 3, 8, 2, 9, 10]
    const settled = await Promise.allSettled(keys.map((key) => batcher.load(key)))
    expect(settled).toEqual(
      keys.map((key) =>
        key % 3 === 0
          ? { status: 'rejected', reason: new Error(`no ${key}`) }
          : { status: 'fulfilled', value: key * 10 },
      ),
    )
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10],
    ])
  })

  it('settles each key separately, in order, with values and Errors', async () => {
    const missing = new Error('missing 2')
    const batchFn = vi.fn(async (keys: number[]) =>
      keys.map((key) => (key === 2 ? missing : `v${key}`)),
    )
    const batcher = new Batcher(batchFn)
    expect(await batcher.loadMany([1, 2, 3, 1])).toEqual(['v1', missing, 'v3', 'v1'])
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([[1, 2, 3]])
  })

  it('joins loads of the same tick in one batch', async () => {
    const batchFn = doubler()
    const batcher = new Batcher(batchFn)
    const [many, one] = await Promise.all([batcher.loadMany(new Set([1, 2])), batcher.load(3)])
    expect(many).toEqual([2, 4])
    expect(one).toBe(6)
    expect(sizes(batchFn)).toEqual([3])
  })

  it('turns a non-Error rejection reason into an Error with it as cause', async () => {
    const controller = new AbortController()
    const batcher = new Batcher(doubler(), { signal: controller.signal })
    controller.abort('bye')
    const [error] = await batcher.loadMany([1])
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({ message: 'bye', cause: 'bye' })
  })
})

describe('cache option', () => {
  it('is off by default: prime, clear and clearAll change nothing', async () => {
    const batchFn = doubler()
    const batcher = new Batcher(batchFn)
    expect(batcher.prime(1, 100)).toBe(batcher)
    expect(await batcher.load(1)).toBe(2)
    expect(batcher.clear(1)).toBe(batcher)
    expect(batcher.clearAll()).toBe(batcher)
    expect(batchFn).toHaveBeenCalledTimes(1)
  })

  it('keeps each key’s promise across batches when on', async () => {
    const batchFn = doubler()
    const batcher = new Batcher(batchFn, { cache: true })
    const first = batcher.load(1)
    expect(await first).toBe(2)
    expect(batcher.load(1)).toBe(first)
    expect(await batcher.loadMany([1, 2])).toEqual([2, 4])
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([[1], [2]])
  })

  it('forgets failed loads so they are asked again', async () => {
    let calls = 0
    const batchFn = vi.fn(async (keys: number[]) => {
      calls++
      return keys.map((key) => (calls === 1 && key === 1 ? new Error('flaky') : key))
    })
    const batcher = new Batcher(batchFn, { cache: true })
    const [one, two] = await batcher.loadMany([1, 2])
    expect(one).toEqual(new Error('flaky'))
    expect(two).toBe(2)
    expect(await batcher.loadMany([1, 2])).toEqual([1, 2])
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([[1, 2], [1]])
  })

  it('forgets every failed key of a batch, and only those', async () => {
    let calls = 0
    const batchFn = vi.fn(async (keys: number[]) => {
      calls++
      return keys.map((key) => (calls === 1 && key !== 2 ? new Error(`flaky ${key}`) : key))
    })
    const batcher = new Batcher(batchFn, { cache: true })
    expect(await batcher.loadMany([1, 2, 3])).toEqual([
      new Error('flaky 1'),
      2,
      new Error('flaky 3'),
    ])
    expect(await batcher.loadMany([1, 2, 3])).toEqual([1, 2, 3])
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([
      [1, 2, 3],
      [1, 3],
    ])
  })

  it('has forgotten a failed key when its load rejects, so a load in the handler asks again', async () => {
    let calls = 0
    const batchFn = vi.fn(async (keys: string[]) => {
      calls++
      return new Map(
        keys.map((key) => [key, calls === 1 && key === 'b' ? new Error('flaky') : key]),
      )
    })
    const batcher = new Batcher(batchFn, { cache: true })
    void batcher.load('a')
    const retried = batcher.load('b').then(undefined, () => batcher.load('b'))
    void batcher.load('c')
    expect(await retried).toBe('b')
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([['a', 'b', 'c'], ['b']])
  })

  it('forgets the keys of a batch that failed as a whole', async () => {
    let calls = 0
    const batchFn = vi.fn(async (keys: number[]) => {
      calls++
      if (calls === 1) throw new Error('down')
      return keys
    })
    const batcher = new Batcher(batchFn, { cache: true })
    expect(await rejection(batcher.load(1))).toMatchObject({ code: 'ERR_BATCH_FN' })
    expect(await batcher.load(1)).toBe(1)
    expect(batchFn).toHaveBeenCalledTimes(2)
  })

  it('serves primed values and Errors without asking, and keeps what is there', async () => {
    const batchFn = doubler()
    const batcher = new Batcher(batchFn, { cache: true })
    const failure = new Error('primed failure')
    batcher.prime(1, 100).prime(2, failure).prime(1, 200)
    expect(await batcher.load(1)).toBe(100)
    expect(await rejection(batcher.load(2))).toBe(failure)
    expect(batchFn).toHaveBeenCalledTimes(0)
  })

  it('asks again after clear(key) and clearAll()', async () => {
    const batchFn = doubler()
    const batcher = new Batcher(batchFn, { cache: true })
    await batcher.loadMany([1, 2])
    batcher.clear(1)
    await batcher.loadMany([1, 2])
    batcher.clearAll()
    await batcher.loadMany([1, 2])
    expect(batchFn.mock.calls.map((call) => call[0])).toEqual([[1, 2], [1], [1, 2]])
  })

  it('identifies object keys by stableHash in the cache', async () => {
    const batchFn = vi.fn(async (keys: { id: number }[]) => keys.map((key) => key.id))
    const batcher = new Batcher(batchFn, { cache: true })
    batcher.prime({ id: 1 }, 10)
    expect(await batcher.load({ id: 1 })).toBe(10)
    batcher.clear({ id: 1 })
    expect(await batcher.load({ id: 1 })).toBe(1)
    expect(batchFn).toHaveBeenCalledTimes(1)
  })
})

describe('options', () => {
  const fn = async (keys: number[]) => keys

  it.each([
    [{ maxBatchSize: 0 }, '`maxBatchSize` must be a positive integer or Infinity, got: 0', 0],
    [{ maxBatchSize: 1.5 }, '`maxBatchSize` must be a positive integer or Infinity, got: 1.5', 1.5],
    [{ windowMs: -1 }, '`windowMs` must be a finite number of milliseconds >= 0, got: -1', -1],
    [{ windowMs: NaN }, '`windowMs` must be a finite number of milliseconds >= 0, got: NaN', NaN],
    [{ concurrency: 0 }, '`concurrency` must be a positive integer or Infinity, got: 0', 0],
    [{ timeoutMs: 0 }, '`timeoutMs` must be a finite number of milliseconds > 0, got: 0', 0],
    [
      { keyFn: 'id' },
      '`keyFn` must be a function of (key) returning its identity, got: "id"',
      'id',
    ],
    [{ signal: {} }, '`signal` must be an AbortSignal, got: an object', {}],
    [{ cache: 'yes' }, '`cache` must be a boolean, got: "yes"', 'yes'],
  ])('rejects %o with ERR_BATCH_CONFIG', (options, message, value) => {
    let error: unknown
    try {
      new Batcher(fn, options as never)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(BatchError)
    expect(error).toMatchObject({ code: 'ERR_BATCH_CONFIG', message })
    expect((error as BatchError).value).toStrictEqual(value)
  })

  it('rejects a batchFn that is not a function with ERR_BATCH_CONFIG', () => {
    expect(() => new Batcher(null as never)).toThrow(
      new BatchError(
        'ERR_BATCH_CONFIG',
        '`batchFn` must be a function of (keys, context) returning values, got: null',
        null,
      ),
    )
  })

  it('accepts Infinity for maxBatchSize and concurrency', async () => {
    const batchFn = doubler()
    const batcher = new Batcher(batchFn, { maxBatchSize: Infinity, concurrency: Infinity })
    await Promise.all(Array.from({ length: 1000 }, (_, i) => batcher.load(i)))
    expect(sizes(batchFn)).toEqual([1000])
  })

  it('accepts options set to undefined', async () => {
    const batcher = new Batcher(fn, {
      windowMs: undefined,
      maxBatchSize: undefined,
      keyFn: undefined,
      concurrency: undefined,
      signal: undefined,
      timeoutMs: undefined,
      cache: undefined,
    })
    expect(await batcher.load(1)).toBe(1)
  })
})

describe('against a model', () => {
  it('resolves every load to its key’s value with distinct keys and batches within maxBatchSize', async () => {
    // Steps: a load of a key, or a pause of some milliseconds (0 = let the tick end).
    const step = fc.oneof(
      fc.record({ load: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ wait: fc.constantFrom(0, 1, 3, 5, 10) }),
    )
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 60 }),
        fc.constantFrom(0, 5),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(1, 2, Infinity),
        async (steps, windowMs, maxBatchSize, concurrency) => {
          const batches: number[][] = []
          const batcher = new Batcher(
            async (keys: number[]) => {
              batches.push([...keys])
              await Promise.resolve()
              return keys.map((key) => (key % 7 === 3 ? new Error(`e${key}`) : `v${key}`))
            },
            { windowMs, maxBatchSize, concurrency },
          )
          // Each load's outcome, caught at once so no rejection goes unhandled meanwhile.
          const loads: [number, Promise<unknown>][] = []
          for (const s of steps) {
            if ('load' in s)
              loads.push([s.load, batcher.load(s.load).catch((error: unknown) => error)])
            else if (s.wait === 0) await ticks(3)
            else await vi.advanceTimersByTimeAsync(s.wait)
          }
          await vi.advanceTimersByTimeAsync(windowMs)
          for (const [key, load] of loads) {
            expect(await load).toEqual(key % 7 === 3 ? new Error(`e${key}`) : `v${key}`)
          }
          for (const batch of batches) {
            expect(batch.length).toBeGreaterThan(0)
            expect(batch.length).toBeLessThanOrEqual(maxBatchSize)
            expect(new Set(batch).size).toBe(batch.length)
          }
          // Every load was asked for in some batch, and no batch holds a key never loaded.
          const asked = new Set(batches.flat())
          expect(asked).toEqual(new Set(loads.map(([key]) => key)))
        },
      ),
      { numRuns: 150 },
    )
  })
})
