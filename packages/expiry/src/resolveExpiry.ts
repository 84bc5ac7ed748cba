import {
  compileExpiry,
  type CachedItem,
  type ExpiryOptions,
  type ExpirySpec,
  type StaticExpirySpec,
} from './compileExpiry.js'

/**
 * The epoch ms at which a cached item expires under `spec`, following aquiche's dispatch:
 * `Infinity` when it never expires, `-Infinity` when it is always expired (`true`), otherwise a
 * time that may already be past. Synchronous unless a function in the spec returns a promise.
 * To resolve the same spec many times, {@link compileExpiry} it once instead.
 *
 * @param spec - When the item expires; see {@link ExpirySpec}.
 * @param item - The cached value and when it was fetched.
 * @param now - The current epoch ms, used for a time of day ("today at 11:05 UTC").
 * @param options - See {@link ExpiryOptions}; may be `null`.
 * @example
 * ```ts
 * const item = { value: { token: { exp: 1_700_000_000 } }, fetchedAt: Date.now(), isError: false }
 * resolveExpiry('10 minutes', item) // item.fetchedAt + 600_000
 * resolveExpiry('2030-01-01T00:00:00Z', item) // 1_893_456_000_000
 * resolveExpiry('$.token.exp', item) // 1_700_000_000_000
 * resolveExpiry(true, item) // -Infinity: always refresh
 * await resolveExpiry(async ({ value }) => (value.token ? '1h' : false), item)
 * ```
 * @throws {@link ExpiryParseError} when the spec, or what a function or pointer yields, is malformed.
 */
export function resolveExpiry(
  spec: StaticExpirySpec,
  item: CachedItem,
  now?: number,
  options?: ExpiryOptions | null,
): number
export function resolveExpiry<V>(
  spec: ExpirySpec<V>,
  item: CachedItem<V>,
  now?: number,
  options?: ExpiryOptions | null,
): number | Promise<number>
export function resolveExpiry<V>(
  spec: ExpirySpec<V>,
  item: CachedItem<V>,
  now?: number,
  options?: ExpiryOptions | null,
): number | Promise<number> {
  return compileExpiry(spec, options)(item, now)
}
