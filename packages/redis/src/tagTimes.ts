// Tags on Redis: invalidating a tag stores the moment (on Redis's clock) in `<prefix>tag:<tag>`,
// one key per tag, and publishes it; reading a tagged entry compares its version (when its load
// started) with its tags' moments, fetched in one MGET per batch of reads, client-side.
//
// Why not in the read script: a script may only touch the keys it is given, and under Redis
// Cluster those must share a hash slot; an entry and its tags' keys never do (a tag is shared
// by entries all over the key space). Plain MGETs split per slot by the client, and each script
// here touches one key. Why not a scan: invalidating a tag is one write whatever the number of
// entries carrying it; an invalid entry found on a read is replaced by a tombstone as of the
// invalidation (one key, so the next read, and a lock, see it absent at once, and an older write
// stays dropped). A tagged read costs a second round trip (the MGET of its tags' times) once its
// tags are known; untagged reads pay nothing.
import type { L2Record } from '@cache/decorators'

import type { Bus } from './bus.js'
import { publishOn, type Connection, type Outcome, type Reporter } from './connection.js'
import { RedisStoreError } from './errors.js'
import { channelOf, tagKey, valueKey } from './keys.js'
import { isTagged, type TaggedRecord } from './record.js'
import { bySlot, type CommandSender, type Router } from './router.js'
import { Script } from './scripts.js'

/**
 * Records a tag's invalidation: Redis's time when the script runs, but never later than the
 * sender's latest estimate of when it sent it (as a delete's), kept if it is later than the one
 * there. KEYS: the tag's key; ARGV: that estimate. Returns the moment kept.
 */
export const INVALIDATE_TAG: Script = new Script(`local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local at = math.min(now, tonumber(ARGV[1]))
local current = tonumber(redis.call('GET', KEYS[1]))
if current == nil or current < at then
  redis.call('SET', KEYS[1], string.format('%.0f', at))
  return at
end
return current`)

/**
 * Replaces an entry invalidated by a tag with a tombstone as of the invalidation, unless a newer
 * value is there now. KEYS: the entry's key; ARGV: the invalidation moment, the tombstones'
 * lifetime (ms).
 */
export const PURGE_TAGGED: Script = new Script(`local head = redis.call('GETRANGE', KEYS[1], 0, 63)
local version = tonumber(string.match(head, '^%a[%d+]*|(%d+)|'))
if version and version <= tonumber(ARGV[1]) and string.sub(head, 1, 1) ~= 't' then
  redis.call('SET', KEYS[1], 't|' .. ARGV[1] .. '|', 'PX', ARGV[2])
  return 1
end
return 0`)

/** What the tag times use of their store. */
export interface TagTimesContext {
  readonly connection: Connection
  /** Where each tag's key is (on a cluster, in the slot of its name), and each node's clock. */
  readonly router: Router
  readonly bus: Bus
  readonly prefix: string
  readonly tombstoneMs: number
  readonly report: Reporter
  /** Makes sure `slot`'s clock has seen a TIME reply (the first command may have to ask). */
  readonly knowClock: (client: CommandSender, slot: number) => Promise<void>
}

/** One store's tags. */
export class TagTimes {
  readonly #context: TagTimesContext

  constructor(context: TagTimesContext) {
    this.#context = context
  }

  /**
   * Records the invalidation of `tags` as of now (the sending moment, on Redis's clock) and
   * tells the other instances, in one round trip. Rejects when Redis is not reached.
   */
  async invalidate(tags: readonly string[]): Promise<void> {
    if (tags.length === 0) return
    const { connection, router, bus, prefix, knowClock } = this.#context
    const sentAt = Date.now()
    const message = bus.tagInvalidation(tags)
    const keys = tags.map((tag) => tagKey(prefix, tag))
    const calls: Promise<Outcome<unknown>>[] = []
    for (const [slot, group] of bySlot(router, keys, (key) => router.slotOfKey(key))) {
      calls.push(
        connection.call(
          'Deleting (invalidating tags)',
          async (client) => {
            // Stamped on Redis's clock as of sentAt (learnt first, if no reply has taught it yet).
            await knowClock(client, slot)
            const latest = String(Math.ceil(router.clockOf(slot).latest(sentAt)))
            const commands: Promise<unknown>[] = group.map((key) =>
              INVALIDATE_TAG.run(client, [key], [latest]),
            )
            // After the times, on the same connection: whoever hears it reads them.
            if (!router.cluster) {
              commands.push(client.sendCommand(['PUBLISH', channelOf(prefix), message]))
            }
            return Promise.all(commands)
          },
          undefined,
          slot,
        ),
      )
    }
    for (const outcome of await Promise.all(calls)) if (!outcome.ok) throw outcome.error
    if (!router.cluster) return
    // On a cluster, once every tag's time is written: on the sharded channel.
    const channel = channelOf(prefix)
    const publish = await publishOn(
      connection,
      router,
      'Deleting (invalidating tags)',
      channel,
      message,
    )
    if (!publish.ok) throw publish.error
  }

  /**
   * `records` (read for `keys`) with each tagged one checked against its tags' invalidation
   * times: one invalidated at or after its version becomes `undefined`, and its key a tombstone
   * as of the invalidation (awaited with `awaitPurge`, else in the background). When the times
   * cannot be read, tagged records are misses (reported): serving one could be serving an
   * invalidated value.
   */
  async check(
    keys: readonly string[],
    records: readonly (L2Record | undefined)[],
    awaitPurge = false,
  ): Promise<(L2Record | undefined)[]> {
    const checked = [...records]
    const tags = new Set<string>()
    for (const record of records) if (isTagged(record)) for (const tag of record.tags) tags.add(tag)
    if (tags.size === 0) return checked
    const { connection, router, prefix, report } = this.#context
    // One MGET per slot on a cluster (a tag's key is in the slot of its name), in parallel.
    const bySlotOfKey = bySlot(router, [...tags], (tag) => router.slotOfKey(tagKey(prefix, tag)))
    let times: Map<string, number> | undefined = new Map<string, number>()
    const outcomes = await Promise.all(
      [...bySlotOfKey].map(async ([slot, names]) => {
        const outcome = await connection.call(
          'Reading',
          (client) => client.sendCommand(['MGET', ...names.map((tag) => tagKey(prefix, tag))]),
          undefined,
          slot,
        )
        return { names, outcome }
      }),
    )
    for (const { names, outcome } of outcomes) {
      if (outcome.ok && Array.isArray(outcome.value)) {
        const replies = outcome.value as unknown[]
        names.forEach((tag, i) => {
          const at = Number(replies[i] ?? NaN)
          if (Number.isFinite(at)) times?.set(tag, at)
        })
        continue
      }
      if (outcome.ok) {
        report(new RedisStoreError('ERR_REDIS_DECODE', 'Unexpected reply to a read of tag times'))
      } else if (!outcome.skipped) {
        report(outcome.error)
      }
      times = undefined
    }
    const purges: Promise<unknown>[] = []
    checked.forEach((record, i) => {
      if (!isTagged(record)) return
      if (times === undefined) {
        checked[i] = undefined
        return
      }
      const invalidatedAt = latestOf(record, times)
      if (invalidatedAt < record.version) return
      checked[i] = undefined
      purges.push(this.#purge(keys[i]!, invalidatedAt))
    })
    if (awaitPurge) await Promise.all(purges)
    return checked
  }

  /** Makes an invalidated entry a tombstone as of its invalidation (never rejects). */
  async #purge(key: string, invalidatedAt: number): Promise<void> {
    const { connection, router, prefix, tombstoneMs } = this.#context
    await connection.call(
      'Deleting (invalidated by a tag)',
      (client) =>
        PURGE_TAGGED.run(
          client,
          [valueKey(prefix, key)],
          [String(invalidatedAt), String(tombstoneMs)],
        ),
      undefined,
      router.slotOf(key),
    )
  }
}

/** The latest invalidation time of a record's tags (-Infinity: none invalidated). */
function latestOf(record: TaggedRecord, times: ReadonlyMap<string, number>): number {
  let latest = -Infinity
  for (const tag of record.tags) {
    const at = times.get(tag)
    if (at !== undefined && at > latest) latest = at
  }
  return latest
}
