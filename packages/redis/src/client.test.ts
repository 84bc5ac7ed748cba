import { describe, expect, it, vi } from 'vitest'

import { stubClient } from '../test/stubClient.js'
import { closeClient } from './client.js'

/** A stub client in `state` whose `close` (rejecting when `fails`) and `destroy` are spies. */
function closable(state: { isOpen: boolean; isReady: boolean }, fails = false) {
  const close = vi.fn(() => (fails ? Promise.reject(new Error('socket gone')) : Promise.resolve()))
  const destroy = vi.fn()
  const client = Object.assign(stubClient(), state, { close, destroy })
  return { client, close, destroy }
}

describe('closeClient', () => {
  it('closes a ready client gracefully', async () => {
    const { client, close, destroy } = closable({ isOpen: true, isReady: true })
    await closeClient(client)
    expect(close).toHaveBeenCalledTimes(1)
    expect(destroy).not.toHaveBeenCalled()
  })

  it('destroys a ready client whose close fails', async () => {
    const { client, close, destroy } = closable({ isOpen: true, isReady: true }, true)
    await closeClient(client)
    expect(close).toHaveBeenCalledTimes(1)
    expect(destroy).toHaveBeenCalledTimes(1)
  })

  it('destroys a client that is open but not ready, without waiting for it', async () => {
    const { client, close, destroy } = closable({ isOpen: true, isReady: false })
    await closeClient(client)
    expect(close).not.toHaveBeenCalled()
    expect(destroy).toHaveBeenCalledTimes(1)
  })

  it('leaves a closed client alone', async () => {
    const { client, close, destroy } = closable({ isOpen: false, isReady: false })
    await closeClient(client)
    expect(close).not.toHaveBeenCalled()
    expect(destroy).not.toHaveBeenCalled()
  })
})
