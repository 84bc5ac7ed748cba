import { describe, expect, it, vi } from 'vitest'

import { ReadBatcher } from './readBatcher.js'

describe('ReadBatcher', () => {
  it('reads the keys of one tick together, in batches of maxBatchSize, each getting its own record', async () => {
    const read = vi.fn((keys: string[]) =>
      Promise.resolve(keys.map((key) => (key === 'miss' ? undefined : key.toUpperCase()))),
    )
    const batcher = new ReadBatcher<string>(read, 3)
    const results = await Promise.all(['a', 'b', 'miss', 'd', 'e'].map((key) => batcher.load(key)))
    expect(results).toEqual(['A', 'B', undefined, 'D', 'E'])
    expect(read.mock.calls).toEqual([[['a', 'b', 'miss']], [['d', 'e']]])
    await batcher.load('f')
    expect(read).toHaveBeenCalledTimes(3)
  })
})
