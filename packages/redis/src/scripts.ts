// The Lua scripts the store runs (reads are plain MGET + TIME): each is one round trip and
// atomic on the server. Sent by SHA (EVALSHA), and in full only when the server does not know it
// yet (after a restart).
import { createHash } from 'node:crypto'

import type { RedisClientLike } from './client.js'

/** A Lua script, run by its SHA1 with a fallback to its source. */
export class Script {
  readonly source: string
  readonly sha: string

  /** @param source - the Lua source. */
  constructor(source: string) {
    this.source = source
    this.sha = createHash('sha1').update(source).digest('hex')
  }

  /** Runs the script on `client` with `keys` and `args`. */
  async run(
    client: RedisClientLike,
    keys: readonly string[],
    args: readonly string[],
  ): Promise<unknown> {
    const rest = [String(keys.length), ...keys, ...args]
    try {
      return await client.sendCommand(['EVALSHA', this.sha, ...rest])
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
      return client.sendCommand(['EVAL', this.source, ...rest])
    }
  }
}

/** Redis's clock in ms, inside a script. */
const NOW = `local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)`

/**
 * Writes one entry that expires. KEYS: the key; ARGV: the kind letter, the load time, the
 * serializer's text, the time to live in ms. The expiry, computed on Redis's clock, goes both
 * into the value (for readers) and into PEXPIREAT (for Redis), so the two are one moment.
 */
export const WRITE: Script = new Script(`${NOW}
local at = string.format('%.0f', now + tonumber(ARGV[4]))
redis.call('SET', KEYS[1], ARGV[1] .. at .. '|' .. ARGV[2] .. '|' .. ARGV[3])
redis.call('PEXPIREAT', KEYS[1], at)
return 1`)

/**
 * Reads one key or takes its lock. KEYS: the value, the lock; ARGV: the token, the lock's
 * time to live in ms. Returns `{ value, TIME }` when the value is there, `1` when the lock was
 * taken, `0` when another instance holds it.
 */
export const READ_OR_LOCK: Script = new Script(`local value = redis.call('GET', KEYS[1])
if value then
  return { value, redis.call('TIME') }
end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
return 0`)

/**
 * Releases a lock if this token still holds it (a lock that expired and was taken by another
 * instance is left alone), then tells the waiting instances. KEYS: the lock; ARGV: the token,
 * the channel, the message. Returns `1` when released.
 */
export const RELEASE: Script = new Script(`local released = 0
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  released = 1
end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return released`)
