// Where a store's data lives in Redis: `<prefix><32 hex digits>` for values,
// `<prefix>lock:<32 hex digits>` for locks, `<prefix>cleared` for the moment of the last
// clear(), `<prefix>tag:<tag>` for the moment a tag was last invalidated, `<prefix>invalidate`
// for the channel.

/** The Redis key of an L2 key's value. */
export function valueKey(prefix: string, key: string): string {
  return prefix + key
}

/** The Redis key of an L2 key's distributed lock. */
export function lockKey(prefix: string, key: string): string {
  return `${prefix}lock:${key}`
}

/** The Redis key holding when the prefix was last cleared (writes older than that are dropped). */
export function clearedKey(prefix: string): string {
  return `${prefix}cleared`
}

/**
 * The Redis key holding when `tag` was last invalidated, on Redis's clock (tagTimes.ts). One
 * key per tag, so that invalidating it is one write, and (under Redis Cluster) each lives in the
 * slot of its own name.
 */
export function tagKey(prefix: string, tag: string): string {
  return `${prefix}tag:${tag}`
}

/** The pub/sub channel of a prefix. */
export function channelOf(prefix: string): string {
  return `${prefix}invalidate`
}

/**
 * The SCAN pattern that matches this store's values and nothing else: the prefix, glob
 * characters escaped, then exactly 32 hex digits. Another prefix that extends this one
 * (`users:` and `users:admin:`) never matches, nor do locks.
 */
export function valuePattern(prefix: string): string {
  return prefix.replace(/[*?[\]\\]/g, '\\$&') + '[0-9a-f]'.repeat(32)
}
