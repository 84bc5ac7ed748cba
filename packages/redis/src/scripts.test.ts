import { describe, expect, it } from 'vitest'

import { stubClient } from '../test/stubClient.js'
import { Script } from './scripts.js'

describe('Script', () => {
  it('runs by its SHA, and sends its source once when the server does not know it', async () => {
    const script = new Script('return 1')
    let known = false
    const client = stubClient((args) => {
      if (args[0] === 'EVAL') {
        known = true
        return 1
      }
      if (!known) return Promise.reject(new Error('NOSCRIPT No matching script. Please use EVAL.'))
      return 2
    })
    await expect(script.run(client, ['k'], ['a'])).resolves.toBe(1)
    await expect(script.run(client, ['k'], ['a'])).resolves.toBe(2)
    expect(client.calls.map((call) => call.args)).toEqual([
      ['EVALSHA', script.sha, '1', 'k', 'a'],
      ['EVAL', 'return 1', '1', 'k', 'a'],
      ['EVALSHA', script.sha, '1', 'k', 'a'],
    ])
  })

  it('rejects with any other error as it is, without sending the source', async () => {
    const script = new Script('return 1')
    const client = stubClient(() =>
      Promise.reject(new Error('READONLY You can\u2019t write against a read only replica.')),
    )
    await expect(script.run(client, [], [])).rejects.toThrow(/^READONLY/)
    expect(client.calls).toHaveLength(1)
  })
})
