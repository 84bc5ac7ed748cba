// The default console lines of the stores of one process on one Redis server, shared: a service
// with one store per cache (or several instances in one process) prints one line when the
// first of them finds Redis unavailable and one when the last of them has it back, with the
// calls skipped by them all, rather than two lines per store. A store given its own `log` or
// `onStateChange` gets its own reports, unshared.
import { lineOf, zero, type TierCalls, type TierStateEvent } from './tierHealth.js'

/** Where the shared lines go: one `console.warn` each. */
function warn(line: string): void {
  console.warn(line)
}

/** The stores of one server, and what their outage has cost so far. */
class SharedConsole {
  /** The stores whose last report said unavailable. */
  readonly #down = new Set<object>()
  readonly #prefixes = new Set<string>()
  #skipped = zero()
  #outages = 0
  #downMs = 0

  /** A report of `store`'s tracker (already rate-limited per store). */
  report(store: object, event: TierStateEvent): void {
    if (event.state === 'unavailable') {
      if (this.#down.has(store)) return
      this.#down.add(store)
      this.#prefixes.add(event.prefix)
      if (this.#down.size === 1) {
        this.#outages = event.outages
        warn(lineOf(event))
      }
      return
    }
    if (!this.#down.delete(store)) return
    this.#add(event.skipped)
    this.#downMs = Math.max(this.#downMs, event.downMs ?? 0)
    if (this.#down.size > 0) return
    const prefixes = [...this.#prefixes]
    const who =
      prefixes.length === 1 ? prefixes[0]! : `${prefixes.length} stores (${prefixes.join(', ')})`
    warn(
      lineOf({
        prefix: who,
        ...(event.node === undefined ? {} : { node: event.node }),
        state: 'available',
        downMs: this.#downMs,
        outages: this.#outages,
        skipped: this.#skipped,
        ...(event.movedTo === undefined ? {} : { movedTo: event.movedTo }),
      }),
    )
    this.#prefixes.clear()
    this.#skipped = zero()
    this.#downMs = 0
  }

  /** Forgets a store that closes (it will not report its recovery). */
  leave(store: object): void {
    if (this.#down.delete(store) && this.#down.size === 0) this.#prefixes.clear()
  }

  #add(calls: TierCalls): void {
    this.#skipped.reads += calls.reads
    this.#skipped.writes += calls.writes
    this.#skipped.deletes += calls.deletes
    this.#skipped.locks += calls.locks
  }
}

const byServer = new Map<unknown, SharedConsole>()

/**
 * The shared console of the server `server` names (its URL, or the client the stores share).
 */
export function sharedConsole(server: unknown): SharedConsole {
  let shared = byServer.get(server)
  if (shared === undefined) byServer.set(server, (shared = new SharedConsole()))
  return shared
}

export type { SharedConsole }
