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
 * The version in the head of an entry or tombstone (`v<at>|<version>|…`, `v<at>+<stale>|…`),
 * or nil.
 */
const VERSION_OF = `local function version_of(key)
  return tonumber(string.match(redis.call('GETRANGE', key, 0, 63), '^%a[%d+]*|(%d+)|'))
end`

/**
 * The moment a write or delete is as of: Redis's time when the script runs, but never later than
 * the sender's latest estimate of when it sent it (a late command keeps its sending time).
 */
const SENT_AT = `local function sent_at(latest)
  return math.min(now, tonumber(latest))
end`

/**
 * Writes one entry unless newer data is there. ARGV from `first`: the kind letter, the time to
 * live (ms, '' for none), the sender's latest estimate of the moment it sent it, the value's age
 * (since its load started), the load time, the serializer's text, the deadline, the tombstones'
 * lifetime, and how long the entry is kept stale past its expiry for fail-safe (ms, '' for
 * none). The version is that moment less the age; the expiry, that moment plus the time to
 * live: both fixed by the sending, not by when the script runs. The key lives until the expiry
 * plus the stale time (its PEXPIREAT); the entry keeps its expiry, and the stale time after a
 * `+`. Returns 1 when written, 0 when dropped (newer data, or already gone), -1 when the command
 * arrived after its deadline (it does nothing); and, when written, the entry as stored.
 */
function writeFunction(first: number): string {
  const a = (n: number): string => `ARGV[${first + n}]`
  return `${SENT_AT}
local function write_entry(key, cleared)
  if now > tonumber(${a(6)}) then return -1 end
  local sent = sent_at(${a(2)})
  local version = sent - tonumber(${a(3)})
  if version < now - tonumber(${a(7)}) then return 0 end
  local at = ''
  local stale = ${a(8)} or ''
  local ends = nil
  if ${a(1)} ~= '' then
    at = string.format('%.0f', sent + tonumber(${a(1)}))
    ends = tonumber(at)
    if stale ~= '' then ends = ends + tonumber(stale) else stale = nil end
    if ends <= now then return 0 end
  else
    stale = nil
  end
  local clear = redis.call('GET', cleared)
  if clear and version < tonumber(clear) then return 0 end
  local current = version_of(key)
  if current and current > version then return 0 end
  local head = at
  if stale then head = at .. '+' .. stale end
  local entry = ${a(0)} .. head .. '|' .. string.format('%.0f', version) .. '|' .. ${a(4)} .. '|' .. ${a(5)}
  redis.call('SET', key, entry)
  if ends then redis.call('PEXPIREAT', key, string.format('%.0f', ends)) end
  return 1, entry
end`
}

/**
 * Writes one entry under the ordering rule: a write as of a moment before the value there, the
 * key's tombstone or the last clear is dropped, and one that arrives after its deadline does
 * nothing. KEYS: the key, the clear marker; ARGV: see {@link writeFunction}. The expiry is
 * absolute (fixed when the value was produced), both in the entry and in PEXPIREAT.
 */
export const WRITE: Script = new Script(`${NOW}
${VERSION_OF}
${writeFunction(1)}
local written = write_entry(KEYS[1], KEYS[2])
return written`)

/**
 * Deletes keys, leaving a tombstone (`t|<version>|`, for the tombstones' lifetime) where the
 * value there is not newer than the delete, then tells the other instances. KEYS: the keys;
 * ARGV: the sender's latest estimate of the moment it sent it, the tombstones' lifetime, the
 * channel, the message.
 */
export const DELETE: Script = new Script(`${NOW}
${VERSION_OF}
${SENT_AT}
local version = sent_at(ARGV[1])
local tombstone = 't|' .. string.format('%.0f', version) .. '|'
for _, key in ipairs(KEYS) do
  local current = version_of(key)
  if not (current and current > version) then
    redis.call('SET', key, tombstone, 'PX', ARGV[2])
  end
end
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1`)

/**
 * Marks the moment of a clear (as a delete's: Redis's time, never later than the sender's latest
 * estimate of when it sent it), for the tombstones' lifetime: writes whose loads started before
 * it are dropped. KEYS: the marker; ARGV: that estimate, the lifetime.
 */
export const MARK_CLEARED: Script = new Script(`${NOW}
${SENT_AT}
redis.call('SET', KEYS[1], string.format('%.0f', sent_at(ARGV[1])), 'PX', ARGV[2])
return 1`)

/**
 * Reads keys or takes their locks, in one round trip for all the loads of a tick. A value with
 * less than the minimum time to live left counts as absent, so that when every instance's copy
 * expires at once, one instance takes the lock and the others wait for its value. KEYS: each
 * key's value and lock, in pairs; ARGV: the token, the deadline, the minimum time to live (ms),
 * then each key's lease (ms). Replies `{ TIME, r1, r2, … }`, one `r` per key: the value, `1`
 * when its lock was taken, `{ 0, PTTL }` when another instance holds it (the holder is then told
 * that someone waits: a `+` after its token), `-1` when the command arrived after its deadline
 * (it takes no lock).
 */
export const READ_OR_LOCK: Script = new Script(`${NOW}
local late = now > tonumber(ARGV[2])
local min_ttl = tonumber(ARGV[3])
local replies = { now }
for i = 1, #KEYS, 2 do
  local reply
  local value = redis.call('GET', KEYS[i])
  if value and string.sub(value, 1, 1) ~= 't' then
    -- the expiry, before '|' (or before '+' and the stale time kept for fail-safe: a stale
    -- entry counts as absent, the lock is taken to load a fresh one)
    local at = string.match(value, '^%a(%d*)[|+]')
    -- nil: not an entry; returned as it is, for the reader to report it
    if at == nil or at == '' or tonumber(at) - now >= min_ttl then reply = value end
  end
  if reply == nil then
    if late then
      reply = -1
    else
      local held = redis.call('GET', KEYS[i + 1])
      if not held then
        redis.call('SET', KEYS[i + 1], ARGV[1], 'PX', ARGV[3 + (i + 1) / 2])
        reply = 1
      else
        if string.sub(held, -1) ~= '+' then redis.call('APPEND', KEYS[i + 1], '+') end
        reply = { 0, redis.call('PTTL', KEYS[i + 1]) }
      end
    end
  end
  replies[#replies + 1] = reply
end
return replies`)

/** Frees the lock if the token holds it; tells its waiters (if any) `message`. */
const RELEASE_FUNCTION = `local function release(lock, token, channel, message)
  local held = redis.call('GET', lock)
  if held ~= token and held ~= token .. '+' then return 0 end
  redis.call('DEL', lock)
  if held ~= token then redis.call('PUBLISH', channel, message) end
  return 1
end`

/**
 * Releases a lock if this token still holds it (a lock that expired and was taken by another
 * instance is left alone), telling the waiting instances only when there are some. KEYS: the
 * lock; ARGV: the token, the channel, the message. Returns `1` when released.
 */
export const RELEASE: Script = new Script(`${RELEASE_FUNCTION}
return release(KEYS[1], ARGV[1], ARGV[2], ARGV[3])`)

/**
 * Writes the locked key's value (as {@link WRITE}) and releases the lock (as {@link RELEASE}),
 * in one round trip. When written, the waiters' notice carries the entry and Redis's time, so
 * that they need not read it again. KEYS: the key, the clear marker, the lock; ARGV: the token,
 * the channel, the head of the "written" notice (the entry and TIME follow it), the message for
 * "not written", then WRITE's arguments. Returns WRITE's answer.
 */
export const COMMIT: Script = new Script(`${NOW}
${VERSION_OF}
${writeFunction(5)}
${RELEASE_FUNCTION}
local written, entry = write_entry(KEYS[1], KEYS[2])
local notice = ARGV[4]
if written == 1 then notice = ARGV[3] .. string.format('%.0f', now) .. '|' .. entry end
release(KEYS[3], ARGV[1], ARGV[2], notice)
return written`)
