// The cache's events on `node:diagnostics_channel`, for tracing without a dependency. The module
// is looked up once, without a static `node:` import (the package runs in browsers too): where
// the runtime has no `process.getBuiltinModule` (browsers, Node before 20.16) there are no
// channels and nothing is published. A publish happens only while its channel has subscribers.
import type { CacheEvent } from './events.js'

/** What is published on every channel: the cache's `name` and the event, key included. */
export interface CacheDiagnosticsMessage<K = unknown> {
  /** The cache's `name` option (a cached function's name by default). */
  readonly cache: string
  /** The event, as `onEvent` listeners receive it. */
  readonly event: CacheEvent<K>
}

/** The prefix of every channel name: `@cache/decorators:` followed by the event's `type`. */
export const DIAGNOSTICS_CHANNEL_PREFIX = '@cache/decorators:'

/** The names of the channels for the event types of today; a new event type gets its own. */
export const DIAGNOSTICS_CHANNELS: {
  readonly hit: '@cache/decorators:hit'
  readonly miss: '@cache/decorators:miss'
  readonly load: '@cache/decorators:load'
  readonly loadError: '@cache/decorators:loadError'
  readonly retry: '@cache/decorators:retry'
  readonly remove: '@cache/decorators:remove'
} = {
  hit: '@cache/decorators:hit',
  miss: '@cache/decorators:miss',
  load: '@cache/decorators:load',
  loadError: '@cache/decorators:loadError',
  retry: '@cache/decorators:retry',
  remove: '@cache/decorators:remove',
} as const satisfies Partial<Record<CacheEvent['type'], string>>

/** The part of a diagnostics channel used here (Node's `Channel`). */
interface Channel {
  readonly hasSubscribers: boolean
  publish(message: unknown): void
}

interface ChannelModule {
  channel(name: string): Channel
}

let channelModule: ChannelModule | null | undefined = undefined
const channels = new Map<string, Channel>()

function channelModuleOf(): ChannelModule | null {
  if (channelModule !== undefined) return channelModule
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  let found: unknown = undefined
  try {
    found = proc?.getBuiltinModule?.('node:diagnostics_channel')
  } catch {
    // A runtime that refuses the lookup has no channels for us.
  }
  channelModule = found === undefined ? null : (found as ChannelModule)
  return channelModule
}

/** The channel of events of type `type` (made on first use), or `undefined` without channels. */
function channelOf(type: string): Channel | undefined {
  let channel = channels.get(type)
  if (channel === undefined) {
    const module = channelModuleOf()
    if (module === null) return undefined
    channel = module.channel(DIAGNOSTICS_CHANNEL_PREFIX + type)
    channels.set(type, channel)
  }
  return channel
}

const NO_CHANNEL: Channel = { hasSubscribers: false, publish() {} }

/**
 * The `hit` channel, read by the fresh-hit path itself (fresh hits make no event unless someone
 * listens): a channel without subscribers costs that path one property read.
 */
export const freshHitChannel: Channel = channelOf('hit') ?? NO_CHANNEL

/** Publishes a fresh hit of cache `cache` (only called while the channel has subscribers). */
export function publishFreshHit(cache: string, key: unknown): void {
  const event: CacheEvent = { type: 'hit', key, kind: 'fresh' }
  freshHitChannel.publish({ cache, event } satisfies CacheDiagnosticsMessage)
}

/** Every event type's channel, made up front so that a subscriber is seen before any publish. */
const EVENT_TYPES: readonly CacheEvent['type'][] = [
  'hit',
  'miss',
  'load',
  'loadError',
  'retry',
  'remove',
  'invalidateTags',
  'eagerRefresh',
  'l2Replay',
  'failSafe',
  'softTimeout',
  'backgroundLoad',
  'backgroundLoadError',
]
const watched: readonly Channel[] =
  channelModuleOf() === null
    ? []
    : EVENT_TYPES.map((type) => channelOf(type)).filter((c): c is Channel => c !== undefined)

/**
 * Whether any channel of ours has a subscriber: a cache builds its events (other than fresh hits,
 * which check their own channel) only while someone listens or this is true, so that a process
 * nobody traces pays one read per channel on a miss, a load or a removal, and allocates nothing.
 */
export function diagnosticsActive(): boolean {
  for (const channel of watched) if (channel.hasSubscribers) return true
  return false
}

/** Publishes `event` of cache `cache` on its channel, when that channel has subscribers. */
export function publishEvent<K>(cache: string, event: CacheEvent<K>): void {
  const channel = channelOf(event.type)
  if (channel?.hasSubscribers === true) {
    channel.publish({ cache, event } satisfies CacheDiagnosticsMessage<K>)
  }
}
