// The cache's events on node:diagnostics_channel: published while a channel has subscribers, with
// the cache's name; nothing built for fresh hits while nobody subscribes.
import diagnosticsChannel from 'node:diagnostics_channel'

import { afterEach, describe, expect, it } from 'vitest'

import { AsyncCache } from './asyncCache.js'
import {
  DIAGNOSTICS_CHANNELS,
  diagnosticsActive,
  type CacheDiagnosticsMessage,
} from './diagnostics.js'

const unsubscribers: (() => void)[] = []
afterEach(() => {
  for (const unsubscribe of unsubscribers.splice(0)) unsubscribe()
})

/** Subscribes to every channel of `DIAGNOSTICS_CHANNELS`; returns what they receive, in order. */
function listen(): string[] {
  const seen: string[] = []
  for (const name of Object.values(DIAGNOSTICS_CHANNELS)) {
    const onMessage = (message: unknown): void => {
      const { cache, event } = message as CacheDiagnosticsMessage<string>
      const detail = event.type === 'hit' ? event.kind : event.type === 'remove' ? event.reason : ''
      const key = 'key' in event ? event.key : ''
      seen.push(`${name} ${cache} ${key} ${detail}`.trimEnd())
    }
    diagnosticsChannel.subscribe(name, onMessage)
    unsubscribers.push(() => diagnosticsChannel.unsubscribe(name, onMessage))
  }
  return seen
}

describe('diagnostics channels', () => {
  it('publishes hits, misses, loads, load errors, retries and removals with the cache name', async () => {
    const seen = listen()
    const cache = new AsyncCache<string, string>({ name: 'users', maxSize: 1, retry: 1 })
    const first = cache.get('a', () => Promise.resolve('A'))
    const joined = cache.get('a', () => 'never')
    await Promise.all([first, joined])
    await cache.get('a')
    await expect(
      cache.get('b', () => Promise.reject(new Error('down')), { ttl: 1000 }),
    ).rejects.toThrow('down')
    await cache.get('c', () => 'C')
    expect(seen).toEqual([
      '@cache/decorators:miss users a',
      '@cache/decorators:hit users a shared',
      '@cache/decorators:load users a',
      '@cache/decorators:hit users a fresh',
      '@cache/decorators:miss users b',
      '@cache/decorators:retry users b',
      '@cache/decorators:loadError users b',
      '@cache/decorators:miss users c',
      '@cache/decorators:remove users a evict',
      '@cache/decorators:load users c',
    ])
  })

  it('is active only while a channel has a subscriber, which a cache made before it still reaches', async () => {
    const cache = new AsyncCache<string, string>({ name: 'orders' })
    expect(diagnosticsActive()).toBe(false) // no listener, no subscriber: no event is built
    await cache.get('a', () => 'A')
    const seen = listen()
    expect(diagnosticsActive()).toBe(true)
    await cache.get('b', () => 'B')
    expect(seen).toEqual(['@cache/decorators:miss orders b', '@cache/decorators:load orders b'])
    for (const unsubscribe of unsubscribers.splice(0)) unsubscribe()
    expect(diagnosticsActive()).toBe(false)
  })

  it('publishes nothing once unsubscribed, and the cache works the same', async () => {
    const seen = listen()
    for (const unsubscribe of unsubscribers.splice(0)) unsubscribe()
    const cache = new AsyncCache<string, string>({ name: 'users' })
    expect(await cache.get('a', () => 'A')).toBe('A')
    expect(await cache.get('a')).toBe('A')
    expect(seen).toEqual([])
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 })
  })

  it('builds no event for fresh hits while the hit channel has no subscriber', async () => {
    const cache = new AsyncCache<string, string>({ name: 'users' })
    await cache.get('a', () => 'A')
    const seen: string[] = []
    const onMessage = (message: unknown): void => {
      seen.push((message as CacheDiagnosticsMessage).event.type)
    }
    // Fresh hits reach the hit channel from the hit path itself, only while it has subscribers.
    await cache.get('a')
    diagnosticsChannel.subscribe(DIAGNOSTICS_CHANNELS.hit, onMessage)
    await cache.get('a')
    diagnosticsChannel.unsubscribe(DIAGNOSTICS_CHANNELS.hit, onMessage)
    await cache.get('a')
    expect(seen).toEqual(['hit'])
    expect(cache.stats().hits).toBe(3)
  })
})
