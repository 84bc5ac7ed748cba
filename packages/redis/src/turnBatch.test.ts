// When TurnBatch closes a batch: with the tick while nothing is in flight, with the turn of the
// event loop while a call is, and in calls of at most maxBatchSize items.
import { describe, expect, it } from 'vitest'

import { TurnBatch } from './turnBatch.js'

/** A batch whose calls are recorded and settle when the test says so. */
function recorded(maxBatchSize: number) {
  const calls: number[][] = []
  const pending: (() => void)[] = []
  const batch = new TurnBatch<number>((items) => {
    calls.push(items)
    return new Promise<void>((resolve) => pending.push(resolve))
  }, maxBatchSize)
  const settleAll = () => {
    for (const resolve of pending.splice(0)) resolve()
  }
  return { batch, calls, settleAll }
}

const turn = () => new Promise((resolve) => setImmediate(resolve))

describe('TurnBatch', () => {
  it('sends the items of one tick in one call, after the promise jobs of that tick', async () => {
    const { batch, calls } = recorded(100)
    batch.add(1)
    void Promise.resolve().then(() => {
      batch.add(2)
    })
    batch.add(3)
    expect(calls).toEqual([])
    await turn()
    expect(calls).toEqual([[1, 3, 2]])
  })

  it('gathers the items of a whole turn while a call is in flight', async () => {
    const { batch, calls, settleAll } = recorded(100)
    batch.add(1)
    await Promise.resolve()
    await new Promise((resolve) => {
      process.nextTick(resolve)
    })
    expect(calls).toEqual([[1]])
    // Three callbacks of one turn, as loaders that settle one by one.
    await new Promise<void>((resolve) => {
      setImmediate(() => {
        batch.add(2)
      })
      setImmediate(() => {
        batch.add(3)
      })
      setImmediate(() => {
        batch.add(4)
        resolve()
      })
    })
    expect(calls).toEqual([[1]])
    await turn()
    expect(calls).toEqual([[1], [2, 3, 4]])
    settleAll()
    await turn()
    // Nothing in flight again: the next item goes with its tick.
    batch.add(5)
    await new Promise((resolve) => {
      process.nextTick(resolve)
    })
    await new Promise((resolve) => {
      process.nextTick(resolve)
    })
    expect(calls).toEqual([[1], [2, 3, 4], [5]])
  })

  it('splits a batch into calls of at most maxBatchSize items, in order', async () => {
    const { batch, calls } = recorded(2)
    for (let i = 1; i <= 5; i++) batch.add(i)
    await turn()
    expect(calls).toEqual([[1, 2], [3, 4], [5]])
  })
})
