// The lock of an eager refresh (`eagerRefresh` of @cache/decorators): one script call that
// answers the newer value when another instance has refreshed the key already, takes the key's
// lock when nobody holds it, or says it is busy, without waiting (the instance keeps serving its
// copy, and the refreshed value reaches it through Redis).
import { randomUUID } from 'node:crypto'

import type { L2Lease, L2LockResult } from '@cache/decorators'

import type { SingleFlightContext } from './singleFlight.js'
import { lockKey, valueKey } from './keys.js'
import { Script } from './scripts.js'

/**
 * KEYS: the value, the lock; ARGV: the token, the deadline, the load time of the copy being
 * refreshed, the lease (ms). The lock taken holds `<token>@<end of lease>`, as READ_OR_LOCK's
 * (scripts.ts): its waiters need no PTTL. Replies `{ TIME, r }`: the entry when its load time
 * is later than the copy's, `1` when the lock was taken, `0` when another instance holds it,
 * `-1` when the command arrived after its deadline (it takes nothing).
 */
export const REFRESH_LOCK: Script = new Script(`local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local value = redis.call('GET', KEYS[1])
if value and string.sub(value, 1, 1) ~= 't' then
  -- the expiry ('' for none), the stale time kept for fail-safe if any, the load time: a copy
  -- past its expiry (kept stale) counts as absent, the lock is taken to refresh it
  local at, fetched = string.match(value, '^%a(%d*)[%d+]*|%d+|([^|]*)|')
  local fresh = at == '' or (at ~= nil and tonumber(at) > now)
  fetched = tonumber(fetched)
  if fresh and fetched and fetched > tonumber(ARGV[3]) then return { now, value } end
end
if now > tonumber(ARGV[2]) then return { now, -1 } end
local lock = ARGV[1] .. '@' .. string.format('%.0f', now + tonumber(ARGV[4]))
if redis.call('SET', KEYS[2], lock, 'NX', 'PX', ARGV[4]) then return { now, 1 } end
return { now, 0 }`)

const SKIPPED: L2LockResult = { status: 'skipped' }
const BUSY: L2LockResult = { status: 'busy' }

/**
 * Takes `key`'s lock for an eager refresh of the copy loaded at `refreshOf`, unless Redis holds
 * a newer value (`loaded`) or another instance holds the lock (`busy`); `skipped` when Redis is
 * not reached. `acquired` makes the lease of a taken lock.
 */
export async function refreshLock(
  context: SingleFlightContext,
  key: string,
  refreshOf: number,
  leaseMs: string,
  acquired: (token: string) => L2Lease,
): Promise<L2LockResult> {
  const { connection, router, timeoutMs, prefix, read } = context
  const slot = router.slotOf(key)
  const clock = router.clockOf(slot)
  const token = randomUUID()
  const args = [token, String(Math.floor(clock.now() + timeoutMs)), String(refreshOf), leaseMs]
  const sent = Date.now()
  const outcome = await connection.call(
    'Taking a lock',
    (client) => REFRESH_LOCK.run(client, [valueKey(prefix, key), lockKey(prefix, key)], args),
    key,
    slot,
  )
  if (!outcome.ok) {
    if (!outcome.skipped) context.report(outcome.error)
    return SKIPPED
  }
  const reply = outcome.value
  if (!Array.isArray(reply) || reply.length !== 2) return SKIPPED
  const redisNow = Number(reply[0])
  const answer: unknown = reply[1]
  if (answer === 1) return acquired(token)
  if (answer === 0) return BUSY
  if (typeof answer !== 'string') return SKIPPED
  const received = Date.now()
  clock.sample(sent, received, redisNow)
  const record = read(answer, redisNow, received - sent, key)
  return record === undefined ? SKIPPED : { status: 'loaded', record }
}
