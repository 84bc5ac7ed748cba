// The test server itself: pause() makes it hang with its connections open, resume() brings it
// back with what it was sent meanwhile, and stop() works on a paused server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { rawClient, settle } from './helpers.js'
import { ping, startRedisServer, type RedisServer } from './redisServer.js'

let server: RedisServer

beforeAll(async () => {
  server = await startRedisServer()
})

afterAll(async () => {
  await server.stop('SIGKILL')
})

describe('RedisServer pause() and resume()', () => {
  it('hangs while paused, keeping connections open, and answers what it was sent once resumed', async () => {
    const client = await rawClient(server.url)
    try {
      server.pause()
      expect(server.paused).toBe(true)
      expect(server.running).toBe(true)
      expect(await ping(server.port, 200)).toBe(false)
      // Sent on an open connection during the pause: it runs once the server goes on.
      const write = client.set('written during the pause', '1')
      const early = await Promise.race([write, new Promise((r) => setTimeout(r, 200, 'pending'))])
      expect(early).toBe('pending')
      server.resume()
      expect(server.paused).toBe(false)
      await expect(write).resolves.toBe('OK')
      expect(await client.get('written during the pause')).toBe('1')
      expect(await ping(server.port, 1_000)).toBe(true)
    } finally {
      client.destroy()
    }
  })

  it('resume() does nothing on a server that is not paused', async () => {
    server.resume()
    expect(server.paused).toBe(false)
    expect(await ping(server.port, 1_000)).toBe(true)
  })

  it.each(['SIGTERM', 'SIGKILL'] as const)(
    'stop(%s) stops a paused server, which then starts again on the same port',
    async (signal) => {
      server.pause()
      const started = Date.now()
      await server.stop(signal)
      // Well under STOP_TIMEOUT_MS: a paused server is not left to the SIGKILL fallback.
      expect(Date.now() - started).toBeLessThan(2_000)
      expect(server.running).toBe(false)
      expect(server.paused).toBe(false)
      expect(await ping(server.port, 200)).toBe(false)
      await server.start()
      expect(await ping(server.port, 1_000)).toBe(true)
    },
  )

  it('pause() throws when the server is not running', async () => {
    await server.stop('SIGKILL')
    expect(() => {
      server.pause()
    }).toThrow(`redis-server on port ${server.port} is not running`)
    expect((await settle(server.start())).ok).toBe(true)
  })
})
