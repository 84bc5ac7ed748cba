// Every cache this package creates, held weakly, for clearAll() and clearAllSync().

/** What the registry needs of a cache. */
export interface Registrable {
  /** Removes every entry, starting the disposals of their resources. */
  clear(): void
  /** Resolves once the disposals this cache started have settled. */
  whenDisposed(): Promise<void>
}

// Weak references, so a registered per-instance cache does not keep its instance's cache alive
// after the instance is gone; the finalizer drops dead references.
const caches = new Set<WeakRef<Registrable>>()
const syncCaches = new WeakSet<Registrable>()
const finalizer = new FinalizationRegistry<WeakRef<Registrable>>((ref) => {
  caches.delete(ref)
})

/** Registers a cache; returns the token to unregister it with. */
export function register(cache: Registrable): WeakRef<Registrable> {
  const ref = new WeakRef(cache)
  caches.add(ref)
  finalizer.register(cache, ref, ref)
  return ref
}

/** Forgets a cache (after `destroy()`). */
export function unregister(ref: WeakRef<Registrable>): void {
  caches.delete(ref)
  finalizer.unregister(ref)
}

/** Marks a cache as belonging to a sync function, for {@link clearAllSync}. */
export function markSync(cache: Registrable): void {
  syncCaches.add(cache)
}

/** Unmarks a cache whose function turned out to return promises. */
export function unmarkSync(cache: Registrable): void {
  syncCaches.delete(cache)
}

function live(): Registrable[] {
  const found: Registrable[] = []
  for (const ref of caches) {
    const cache = ref.deref()
    if (cache === undefined) caches.delete(ref)
    else found.push(cache)
  }
  return found
}

/**
 * Clears every cache created by this package (`AsyncCache`s, `cached()` functions and method
 * caches), resetting their statistics and disposing of their entries' resources. Resolves once
 * those disposals have settled.
 *
 * @example
 * ```ts
 * afterEach(() => clearAll())
 * ```
 */
export async function clearAll(): Promise<void> {
  const all = live()
  let failed = false
  let error: unknown
  for (const cache of all) {
    try {
      cache.clear()
    } catch (e) {
      if (!failed) error = e
      failed = true
    }
  }
  await Promise.all(all.map((cache) => cache.whenDisposed()))
  if (failed) throw error
}

/**
 * Clears the caches of sync functions only (those `cached()` returned sync wrappers for), at
 * once. Async caches are left as they are.
 *
 * @example
 * ```ts
 * clearAllSync()
 * ```
 */
export function clearAllSync(): void {
  let failed = false
  let error: unknown
  for (const cache of live()) {
    if (!syncCaches.has(cache)) continue
    try {
      cache.clear()
    } catch (e) {
      if (!failed) error = e
      failed = true
    }
  }
  if (failed) throw error
}
