// The pipeline's expiry step: when a loaded (or set) value stops being fresh.
import type { Config } from './config.js'

/**
 * When a value fetched at `fetchedAt` expires: after a per-call `ttl` when there is one, else
 * as `expiration` says (a promise when it is async), else never.
 */
export function expiresAtOf(
  config: Config,
  value: unknown,
  fetchedAt: number,
  ttl: number | undefined,
): number | Promise<number> {
  if (ttl !== undefined) return fetchedAt + ttl
  if (config.expiry === undefined) return Infinity
  return config.expiry({ value, fetchedAt, isError: false }, fetchedAt)
}
