// The store's read batching on a stub client (the real thing runs against redis-server in
// test/store.test.ts): the reads of one tick go out together, as MGET + TIME, in batches of
// maxBatchSize, and each caller gets its own key's record.
import { describe, expect, it } from 'vitest'

import { stubClient } from '../test/stubClient.js'
import { redisStore } from './redisStore.js'

const NOW_S = 1_700_000_000

/** A client whose MGET finds `"<key>"` for every key but `p:{miss}`, expiring in 60 s. */
function reader() {
  return stubClient((args) => {
    if (args[0] === 'TIME') return [String(NOW_S), '0']
    if (args[0] !== 'MGET') return 'OK'
    return args
      .slice(1)
      .map((key) =>
        key === 'p:{miss}' ? null : `v${NOW_S * 1_000 + 60_000}|1|1|"${key.slice(3, -1)}"`,
      )
  })
}

describe('redisStore reads', () => {
  it('reads the keys of one tick together, in batches of maxBatchSize, each getting its own record', async () => {
    const client = reader()
    const store = redisStore({ client, prefix: 'p:', maxBatchSize: 3 })
    const keys = ['a', 'b', 'miss', 'd', 'e']
    const results = await Promise.all(keys.map((key) => store.get([key])))
    expect(results.map(([record]) => record?.value)).toEqual(['a', 'b', undefined, 'd', 'e'])
    const sent = () => client.calls.map((call) => call.args)
    expect(sent()).toEqual([
      ['TIME'], // the store learns Redis's clock once connected
      ['MGET', 'p:{a}', 'p:{b}', 'p:{miss}'],
      ['TIME'],
      ['MGET', 'p:{d}', 'p:{e}'],
      ['TIME'],
    ])
    await store.get(['f'])
    expect(sent().filter((args) => args[0] === 'MGET')).toHaveLength(3)
    await store.close()
  })

  it('asks for a key once per batch however many callers want it, and answers them all', async () => {
    const client = reader()
    const store = redisStore({ client, prefix: 'p:' })
    const results = await Promise.all([store.get(['a', 'b', 'a']), store.get(['b'])])
    expect(results.map((records) => records.map((record) => record?.value))).toEqual([
      ['a', 'b', 'a'],
      ['b'],
    ])
    expect(client.calls.map((call) => call.args)).toEqual([
      ['TIME'],
      ['MGET', 'p:{a}', 'p:{b}'],
      ['TIME'],
    ])
    await store.close()
  })

  it('answers every key with a miss when the read fails', async () => {
    const client = stubClient((args) => {
      if (args[0] === 'MGET') throw new Error('connection reset')
      return 'OK'
    })
    const errors: unknown[] = []
    const store = redisStore({ client, prefix: 'p:', onError: (error) => errors.push(error) })
    await expect(store.get(['a', 'b'])).resolves.toEqual([undefined, undefined])
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ code: 'ERR_REDIS_UNAVAILABLE' })
    await store.close()
  })
})
