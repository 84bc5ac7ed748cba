// testL2Store(): the L2 contract's cases registered as vitest tests, one describe per group.
import { describe, it } from 'vitest'

import type { L2Store } from '../l2.js'
import { l2StoreCases, LATER, type L2StoreCase } from './l2StoreCases.js'
import type { L2StoreFactory, L2StoreSuiteOptions } from './suiteTools.js'

/** The longest a case may take (the unreachable-server cases wait for a reconnection). */
const CASE_TIMEOUT_MS = 30_000

/**
 * Registers the conformance suite of the L2 contract for a store, as vitest tests: what
 * `AsyncCache` relies on its `l2` store for (reads, writes, many-key reads, expiry, locks,
 * invalidation delivery, an unreachable server). Call it at the top level of a test file, as
 * unstorage's `testDriver`. A case whose optional method (`lock`, `subscribe`) or option
 * (`makeUnreachable`) is missing is skipped, with the reason.
 *
 * @param name - names the suite in the report.
 * @param factory - creates a connected store for a {@link L2StoreContext}; stores of one
 * namespace must share their data, as instances of one cache on one server.
 * @param options - see {@link L2StoreSuiteOptions}.
 * @example
 * ```ts
 * import { testL2Store } from '@cache/decorators/testing'
 *
 * testL2Store('myStore', async ({ namespace, lockLeaseMs, lockWaitMs }) => {
 *   const store = myStore({ url, prefix: `${namespace}:`, lockLeaseMs, lockWaitMs })
 *   await store.connect()
 *   return store
 * })
 * ```
 */
export function testL2Store<S extends L2Store>(
  name: string,
  factory: L2StoreFactory<S>,
  options: L2StoreSuiteOptions<S> = {},
): void {
  const groups = new Map<string, L2StoreCase[]>()
  for (const c of l2StoreCases(factory, options)) {
    const group = groups.get(c.group)
    if (group === undefined) groups.set(c.group, [c])
    else group.push(c)
  }
  describe(`L2 store contract: ${name}`, () => {
    for (const [group, cases] of groups) {
      describe(group, () => {
        for (const c of cases) {
          it(
            c.title,
            async (context) => {
              const outcome = await c.run()
              if (outcome.status === 'skipped') context.skip(outcome.reason)
            },
            CASE_TIMEOUT_MS,
          )
        }
      })
    }
    for (const title of LATER) it.todo(title)
  })
}
