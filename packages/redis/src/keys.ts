// Where a store's data lives in Redis: `<prefix>{<32 hex digits>}` for values,
// `<prefix>lock:{<32 hex digits>}` for locks, `<prefix>cleared` for the moment of the last
// clear() (on a cluster, one marker per hash slot: `<prefix>cleared{<tag>}`),
// `<prefix>tag:<tag>` for the moment a tag was last invalidated, `<prefix>invalidate` for the
// channel.
//
// The braces are a hash tag: Redis Cluster places a key by the text between them only, so a
// value and its lock share a slot (the scripts that touch both run on one node), while the
// values themselves, each with its own hash, stay spread over the whole cluster. A single
// server ignores them; the names are the same there.
import { slotTag } from './slots.js'

/** The Redis key of an L2 key's value. */
export function valueKey(prefix: string, key: string): string {
  return `${prefix}{${key}}`
}

/** The Redis key of an L2 key's distributed lock (in its value's hash slot). */
export function lockKey(prefix: string, key: string): string {
  return `${prefix}lock:{${key}}`
}

/**
 * The Redis key holding when the prefix was last cleared (writes older than that are dropped):
 * one key on a single server; on a cluster, `slot`'s own (a script may only read keys of the
 * slot it runs on, so each slot has its marker).
 */
export function clearedKey(prefix: string, slot?: number): string {
  return slot === undefined ? `${prefix}cleared` : `${prefix}cleared{${slotTag(slot)}}`
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
 * characters escaped, then exactly 32 hex digits in braces. Another prefix that extends this one
 * (`users:` and `users:admin:`) never matches, nor do locks.
 */
export function valuePattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}{${'[0-9a-f]'.repeat(32)}}`
}
