// Closing what cached values hold when their entries leave the cache, and waiting for those
// closings at shutdown.
import type { DataPointer } from '@cache/expiry'
import { startTimer, stopTimer } from '@cache/internal'

import { CacheDisposeError } from './errors.js'
import type { ErrorHandler } from './events.js'
import type { Disposer } from './options.js'
import { isThenable } from './thenable.js'

// Looked up once: `Symbol.asyncDispose` and `Symbol.dispose` exist on Node 20+ and modern
// browsers; the registered names are what the TC39 polyfills use elsewhere.
const asyncDisposeSymbol: symbol =
  (Symbol as { asyncDispose?: symbol }).asyncDispose ?? Symbol.for('Symbol.asyncDispose')
const disposeSymbol: symbol =
  (Symbol as { dispose?: symbol }).dispose ?? Symbol.for('Symbol.dispose')

/** Disposals started by any cache and not yet settled, for {@link awaitDisposals}. */
const pending = new Set<Promise<void>>()

function noop(): void {
  // settled
}

/**
 * The resources in `value` that `dispose` will close: the value itself, or what the pointers
 * find in it (each value a wildcard names). A pointer that finds nothing (without
 * `:ignore_missing`) is reported, not thrown: the caller still gets its value.
 */
export function findResources(
  value: unknown,
  pointers: readonly DataPointer[] | undefined,
  key: unknown,
  onError: ErrorHandler,
): unknown[] | undefined {
  if (pointers === undefined) return isResource(value) ? [value] : undefined
  let resources: unknown[] | undefined
  for (const pointer of pointers) {
    const { values, missing } = pointer.readAll(value)
    if (missing && !pointer.ignoreMissing) {
      onError(
        new CacheDisposeError(
          key,
          `dispose pointer '${pointer.source}' found nothing in the value (end it with ':ignore_missing' if that is expected)`,
          value,
        ),
        { operation: 'dispose', key },
      )
    }
    for (const found of values) if (isResource(found)) (resources ??= []).push(found)
  }
  return resources
}

function isResource(value: unknown): boolean {
  return (typeof value === 'object' && value !== null) || typeof value === 'function'
}

/**
 * Disposes of each resource: `disposer` when given, else `Symbol.asyncDispose`,
 * `Symbol.dispose` or `close()`. Failures go to `onError` as `CacheDisposeError`. Async
 * disposals are added to `track` (and to the global set) until they settle.
 */
export function disposeResources(
  resources: readonly unknown[],
  disposer: Disposer<unknown> | undefined,
  key: unknown,
  onError: ErrorHandler,
  track: Set<Promise<void>>,
): void {
  for (const resource of resources) {
    let result: unknown
    try {
      result = disposer === undefined ? disposeOne(resource, key) : disposer(resource, key)
    } catch (error) {
      report(error, resource, key, onError)
      continue
    }
    if (isThenable(result)) {
      const promise = Promise.resolve(result).then(noop, (error: unknown) => {
        report(error, resource, key, onError)
      })
      pending.add(promise)
      track.add(promise)
      void promise.then(() => {
        pending.delete(promise)
        track.delete(promise)
      })
    }
  }
}

function disposeOne(resource: unknown, key: unknown): unknown {
  const target = resource as Record<PropertyKey, unknown>
  for (const method of [target[asyncDisposeSymbol], target[disposeSymbol], target.close]) {
    if (typeof method === 'function') return (method as () => unknown).call(resource)
  }
  throw new CacheDisposeError(
    key,
    'dispose found no Symbol.asyncDispose, Symbol.dispose or close() method on the resource',
    resource,
  )
}

function report(error: unknown, resource: unknown, key: unknown, onError: ErrorHandler): void {
  const wrapped =
    error instanceof CacheDisposeError
      ? error
      : new CacheDisposeError(
          key,
          `disposing of a resource failed: ${error instanceof Error ? error.message : String(error)}`,
          resource,
          error,
        )
  try {
    onError(wrapped, { operation: 'dispose', key })
  } catch {
    // onError must not throw; if it does, there is nowhere left to report to.
  }
}

/** Resolves once every promise in `set` (including ones added meanwhile) has settled. */
export async function settleAll(set: Set<Promise<void>>): Promise<void> {
  while (set.size > 0) await Promise.all(set)
}

/**
 * Waits for every disposal started so far by any cache of this package (and those started while
 * waiting), for graceful shutdown. Resolves `true` when they have all settled, or `false` when
 * `timeoutMs` passed first. Failed disposals were reported to `onError` and count as settled.
 *
 * @example
 * ```ts
 * process.on('SIGTERM', async () => {
 *   await clearAll()
 *   await awaitDisposals(5_000)
 *   process.exit(0)
 * })
 * ```
 */
export function awaitDisposals(timeoutMs?: number): Promise<boolean> {
  const all = settleAll(pending).then(() => true)
  if (timeoutMs === undefined) return all
  return new Promise((resolve) => {
    const timer = startTimer(
      () => {
        resolve(false)
      },
      timeoutMs,
      { keepAlive: true },
    )
    void all.then((value) => {
      stopTimer(timer)
      resolve(value)
    })
  })
}
