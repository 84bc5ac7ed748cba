// The Lua scripts the store runs (reads are plain MGET + TIME): each is one round trip and
// atomic on the server. Sent by SHA (EVALSHA), and in full only when the server does not know it
// yet (after a restart).
import { createHash } from 'node:crypto'

import type { CommandSender } from './router.js'

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
  run(client: CommandSender, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const command = ['EVALSHA', this.sha, String(keys.length)]
    for (const key of keys) command.push(key)
    for (const arg of args) command.push(arg)
    return this.send(client, command)
  }

  /**
   * Sends `command`, `['EVALSHA', sha, numkeys, …keys, …args]` built by the caller (in one array,
   * no copy), and again as EVAL with the source if the server does not know the script.
   */
  send(client: CommandSender, command: string[]): Promise<unknown> {
    // Not an async function: one promise less per call, on every lock, commit and write.
    return client.sendCommand(command).then(undefined, (error: unknown) => {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
      return client.sendCommand(['EVAL', this.source, ...command.slice(2)])
    })
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
 * Writes one entry unless newer data is there (`clear`: the clear marker's value, read once per
 * call by the caller, or false). `head`: the kind letter, the time to live (ms, none for no
 * expiry), and, after a `+`, how long the entry is kept stale past its expiry for fail-safe (ms;
 * none for none): `v60000`, `v60000+5000`, `v`. `latest`: the sender's latest estimate of the
 * moment it sent it; `age`: the value's age then (since its load started); `tail`: the load time
 * and the serializer's text (`<fetchedAt>|<text>`); `deadline`, `tombstone`: the deadline and the
 * tombstones' lifetime (numbers). The version is that moment less the age; the expiry, that
 * moment plus the time to live: both fixed by the sending, not by when the script runs. The key
 * lives until the expiry plus the stale time (SET's PXAT); the entry keeps its expiry, and the
 * stale time after a `+`. Returns 1 when written, 0 when dropped (newer data, or already gone),
 * -1 when the command arrived after its deadline (it does nothing); and, when written, the entry
 * as stored.
 */
const WRITE_FUNCTION = `${SENT_AT}
local function write_entry(key, clear, head, latest, age, tail, deadline, tombstone)
  if now > deadline then return -1 end
  local sent = sent_at(latest)
  local version = sent - tonumber(age)
  if version < now - tombstone then return 0 end
  local kind, ttl, stale = string.match(head, '^(%a)(%d*)%+?(%d*)$')
  local at = ''
  local ends = nil
  if ttl ~= '' then
    ends = sent + tonumber(ttl)
    at = string.format('%.0f', ends)
    if stale ~= '' then
      ends = ends + tonumber(stale)
      at = at .. '+' .. stale
    end
    if ends <= now then return 0 end
  end
  if clear and version < tonumber(clear) then return 0 end
  local current = version_of(key)
  if current and current > version then return 0 end
  local entry = kind .. at .. '|' .. string.format('%.0f', version) .. '|' .. tail
  if ends then
    redis.call('SET', key, entry, 'PXAT', string.format('%.0f', ends))
  else
    redis.call('SET', key, entry)
  end
  return 1, entry
end`

/**
 * Writes entries under the ordering rule: a write as of a moment before the value there, the
 * key's tombstone or the last clear is dropped, and one that arrives after its deadline does
 * nothing; then, if a message is given, publishes it (the explicit `set()`s of the call, for the
 * other instances). One call for the writes of a turn (on a cluster, of a turn's keys of one
 * slot). KEYS: the clear marker, then each entry's key; ARGV: the sender's latest estimate of the
 * moment it sent the call, the deadline, the tombstones' lifetime, the channel ('' on a cluster:
 * the client publishes the message on the sharded channel), the message ('' for none), then
 * each entry's head, age and tail (see {@link WRITE_FUNCTION}). The expiry is absolute (fixed
 * when the value was produced), both in the entry and in the key's PXAT. Returns how many were
 * written.
 */
export const WRITE: Script = new Script(`${NOW}
${VERSION_OF}
${WRITE_FUNCTION}
local latest, deadline, tombstone = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local clear = redis.call('GET', KEYS[1])
local count = 0
for i = 2, #KEYS do
  local base = 6 + (i - 2) * 3
  local written = write_entry(KEYS[i], clear, ARGV[base], latest, ARGV[base + 1], ARGV[base + 2], deadline, tombstone)
  if written == 1 then count = count + 1 end
end
if ARGV[4] ~= '' and ARGV[5] ~= '' then redis.call('PUBLISH', ARGV[4], ARGV[5]) end
return count`)

/**
 * Deletes keys, leaving a tombstone (`t|<version>|`, for the tombstones' lifetime) where the
 * value there is not newer than the delete, then tells the other instances. KEYS: the keys;
 * ARGV: the sender's latest estimate of the moment it sent it, the tombstones' lifetime, the
 * channel, the message. A channel of '' publishes nothing (on a cluster, the client publishes it
 * on the sharded channel: a script may only publish to its own slot).
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
if ARGV[3] ~= '' then redis.call('PUBLISH', ARGV[3], ARGV[4]) end
return 1`)

/**
 * Marks the moment of a clear (as a delete's: Redis's time, never later than the sender's latest
 * estimate of when it was made; a clear replayed after an outage sends that estimate less its
 * age), for the tombstones' lifetime: writes whose loads started before it are dropped. A newer
 * marker stays (a late clear never moves it back). KEYS: the marker; ARGV: that estimate, the
 * lifetime. Returns the clear's moment, which {@link UNLINK_OLDER} then removes values up to.
 */
export const MARK_CLEARED: Script = new Script(`${NOW}
${SENT_AT}
local at = sent_at(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]))
if not current or current < at then
  redis.call('SET', KEYS[1], string.format('%.0f', at), 'PX', ARGV[2])
end
return string.format('%.0f', at)`)

/**
 * A lock's value: the holder's token, then `@` and the moment its lease ends (Redis's time, ms),
 * then the waiters' marks: `+` for a waiter that listens on the store's channel (an instance of
 * an earlier version, or on a cluster), `*<id>` for one that listens on a channel of its own
 * (`<channel>:<id>`). A lock without `@` was taken by an earlier version: its waiters mark it
 * with `+` only (the one mark it knows, and publishes to), and read its lease with `PTTL`.
 */
const HELD_BY = `local function held_by(held, token)
  return held == token or string.sub(held, 1, #token + 1) == token .. '@' or held == token .. '+'
end`

/**
 * Tells a released lock's waiters `message` (`marks`: what follows its token): on the store's
 * channel for a `+`, on each `*<id>` waiter's own channel. With a channel of '' (on a cluster,
 * where a script may only publish to its own slot) it publishes nothing and returns true when
 * someone waits, for the client to tell them (cluster waiters mark with `+` only).
 */
const TELL_WAITERS = `local function tell_waiters(marks, channel, message)
  if not string.find(marks, '[+*]') then return false end
  if channel == '' then return true end
  if string.find(marks, '+', 1, true) then redis.call('PUBLISH', channel, message) end
  for id in string.gmatch(marks, '%*(%x+)') do redis.call('PUBLISH', channel .. ':' .. id, message) end
  return false
end`

/**
 * Reads keys or takes their locks, in one round trip for all the loads of a tick. A value with
 * less than the minimum time to live left counts as absent, so that when every instance's copy
 * expires at once, one instance takes the lock and the others wait for its value. KEYS: each
 * key's value and lock, in pairs; ARGV: the token, the deadline, the minimum time to live (ms),
 * the caller's waiter mark (`*<id>`: it hears its own channel; '' for `+`, the store's channel),
 * then each key's lease (ms), or one lease for every key (the usual case: one cache, one bound
 * on its loads). A lock taken holds `<token>@<end of lease>`. Replies `{ TIME, r1, r2, … }`, one
 * `r` per key: the value, `1` when its lock was taken, `{ 0, lease left }` when another instance
 * holds it (the holder is then told that someone waits: the caller's mark after its token, if
 * not there already; `+` on a lock of an earlier version, whose lease left is its `PTTL`), `-1`
 * when the command arrived after its deadline (it takes no lock). An entry kept stale for
 * fail-safe (`…+<stale>|`) that counts as absent comes with the decision, for the cache's
 * fail-safe callers: `{ 1, entry }` and `{ 0, lease left, entry }`; other replies are unchanged
 * (no bytes more for a fresh or plain entry).
 */
export const READ_OR_LOCK: Script = new Script(`${NOW}
local late = now > tonumber(ARGV[2])
local min_ttl = tonumber(ARGV[3])
local mark = ARGV[4]
local replies = { now }
for i = 1, #KEYS, 2 do
  local reply
  local stale
  local value = redis.call('GET', KEYS[i])
  if value and string.sub(value, 1, 1) ~= 't' then
    -- the expiry, before '|' (or before '+' and the stale time kept for fail-safe: a stale
    -- entry counts as absent, the lock is taken to load a fresh one, and it goes back with that)
    local at, kept = string.match(value, '^%a(%d*)([|+])')
    -- nil: not an entry; returned as it is, for the reader to report it
    if at == nil or at == '' or tonumber(at) - now >= min_ttl then reply = value
    elseif kept == '+' then stale = value end
  end
  if reply == nil then
    if late then
      reply = -1
    else
      local lease = ARGV[4 + (i + 1) / 2] or ARGV[5]
      local lock = ARGV[1] .. '@' .. string.format('%.0f', now + tonumber(lease))
      if redis.call('SET', KEYS[i + 1], lock, 'NX', 'PX', lease) then
        reply = 1
        if stale then reply = { 1, stale } end
      else
        local held = redis.call('GET', KEYS[i + 1])
        local ends = tonumber(string.match(held, '^[^@+*]*@(%d+)'))
        if ends == nil or mark == '' then
          if string.sub(held, -1) ~= '+' then redis.call('APPEND', KEYS[i + 1], '+') end
        elseif not string.find(held, mark, 1, true) then
          redis.call('APPEND', KEYS[i + 1], mark)
        end
        if ends then reply = { 0, ends - now } else reply = { 0, redis.call('PTTL', KEYS[i + 1]) } end
        if stale then reply[3] = stale end
      end
    end
  end
  replies[#replies + 1] = reply
end
return replies`)

/**
 * Frees the lock if the token holds it; tells its waiters (if any) `message`, or, with a channel
 * of '', returns 2 for the client to tell them (on a cluster).
 */
const RELEASE_FUNCTION = `${HELD_BY}
${TELL_WAITERS}
local function release(lock, token, channel, message)
  local held = redis.call('GET', lock)
  if not held or not held_by(held, token) then return 0 end
  redis.call('DEL', lock)
  if tell_waiters(string.sub(held, #token + 1), channel, message) then return 2 end
  return 1
end`

/**
 * Releases a lock if this token still holds it (a lock that expired and was taken by another
 * instance is left alone), telling the waiting instances only when there are some (each on the
 * channel its mark names). KEYS: the lock; ARGV: the token, the channel, the message. Returns
 * `1` when released.
 */
export const RELEASE: Script = new Script(`${RELEASE_FUNCTION}
return release(KEYS[1], ARGV[1], ARGV[2], ARGV[3])`)

/**
 * Writes the locked keys' values (each as {@link WRITE}) and releases their locks (each as
 * {@link RELEASE}), for all the loads that ended in one turn: one round trip, one script call.
 * A lock's waiters, when it has some, are told (each on the channel its mark names: see
 * {@link READ_OR_LOCK}) with a notice that carries the entry and Redis's time
 * (`F<key>|<time>|<entry>`), so that they need not read it again, or, when nothing was written,
 * the bus's "filled, not written" message. KEYS: the clear marker, then each key's
 * value and lock; ARGV: the channel, the bus's origin, where the L2 key starts in a value's key
 * (the prefix's length + 2: it is in braces, its hash tag), the sender's latest estimate of the
 * moment it sent the call, the deadline, the tombstones' lifetime, then each key's token (of its
 * lock; '' when it is the token of the key before), head, age and tail (see
 * {@link WRITE_FUNCTION}). Returns how many were written; with a channel of '' (on a cluster,
 * where a script may only publish to its own slot), the notices instead, for the client to
 * publish.
 */
export const COMMIT: Script = new Script(`${NOW}
${VERSION_OF}
${WRITE_FUNCTION}
${HELD_BY}
${TELL_WAITERS}
local channel, origin, from = ARGV[1], ARGV[2], tonumber(ARGV[3])
local latest, deadline, tombstone = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local clear = redis.call('GET', KEYS[1])
local count = 0
local token = nil
local notices = {}
for i = 2, #KEYS, 2 do
  local base = 7 + (i / 2 - 1) * 4
  local written, entry = write_entry(KEYS[i], clear, ARGV[base + 1], latest, ARGV[base + 2], ARGV[base + 3], deadline, tombstone)
  if written == 1 then count = count + 1 end
  -- '' for the same token as the key before (the keys of one lock call, mostly)
  if ARGV[base] ~= '' then token = ARGV[base] end
  local held = redis.call('GET', KEYS[i + 1])
  if held and held_by(held, token) then
    redis.call('DEL', KEYS[i + 1])
    local marks = string.sub(held, #token + 1)
    if string.find(marks, '[+*]') then
      local key = string.sub(KEYS[i], from, -2)
      local notice
      if written == 1 then
        notice = 'F' .. key .. '|' .. string.format('%.0f', now) .. '|' .. entry
      else
        notice = '{"o":"' .. origin .. '","t":"f","k":"' .. key .. '","w":false}'
      end
      if tell_waiters(marks, channel, notice) then notices[#notices + 1] = notice end
    end
  end
end
if channel == '' then return notices end
return count`)

/**
 * Removes the keys (found by a clear's SCAN) whose entry or tombstone is as of the clear's
 * moment or before; newer ones, written after the clear was made (a clear replayed late), stay.
 * Unreadable data goes too. KEYS: the keys; ARGV: the moment. Returns how many were removed.
 */
export const UNLINK_OLDER: Script = new Script(`${VERSION_OF}
local at = tonumber(ARGV[1])
local removed = 0
for _, key in ipairs(KEYS) do
  local version = version_of(key)
  if not version or version <= at then
    redis.call('UNLINK', key)
    removed = removed + 1
  end
end
return removed`)
