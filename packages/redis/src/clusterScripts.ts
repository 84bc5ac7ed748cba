// The scripts of clear() on a Redis Cluster: one call per master for all its slots' clear
// markers, and one per page of SCAN for the keys found on it. A script may touch keys of several
// slots when they are all on the node that runs it and it says so (`allow-cross-slot-keys`,
// Redis 7 and Valkey), the keys beyond the first passed as arguments (the declared keys of a
// command must share a slot): otherwise a clear would be 16,384 calls, one per slot's marker.
import { Script } from './scripts.js'

const CROSS_SLOT = '#!lua flags=allow-cross-slot-keys\n'

/**
 * MARK_CLEARED (scripts.ts) for every marker of the master that runs it: each keeps the newer of
 * its moment and this clear's. KEYS: one marker; ARGV: the sender's latest estimate of the moment
 * of the clear, the markers' lifetime (ms), then the other markers. Returns the clear's moment.
 */
export const MARK_CLEARED_SLOTS: Script = new Script(`${CROSS_SLOT}local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local at = math.min(now, tonumber(ARGV[1]))
local function mark(key)
  local current = tonumber(redis.call('GET', key))
  if not current or current < at then
    redis.call('SET', key, string.format('%.0f', at), 'PX', ARGV[2])
  end
end
mark(KEYS[1])
for i = 3, #ARGV do mark(ARGV[i]) end
return string.format('%.0f', at)`)

/**
 * UNLINK_OLDER (scripts.ts) for keys of several slots of the node that runs it (a page of its
 * SCAN). KEYS: one of them; ARGV: the clear's moment, then the others. Returns how many were
 * removed.
 */
export const UNLINK_OLDER_SLOTS: Script = new Script(`${CROSS_SLOT}local at = tonumber(ARGV[1])
local removed = 0
local function unlink_older(key)
  local version = tonumber(string.match(redis.call('GETRANGE', key, 0, 63), '^%a[%d+]*|(%d+)|'))
  if not version or version <= at then
    redis.call('UNLINK', key)
    removed = removed + 1
  end
end
unlink_older(KEYS[1])
for i = 2, #ARGV do unlink_older(ARGV[i]) end
return removed`)

/** `run`'s keys and arguments for a script above: the first key declared, the others after `args`. */
export function crossSlotCall(
  keys: readonly string[],
  args: readonly string[],
): [string[], string[]] {
  return [[keys[0]!], [...args, ...keys.slice(1)]]
}
