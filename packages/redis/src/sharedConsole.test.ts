import { afterEach, describe, expect, it, vi } from 'vitest'

import { sharedConsole } from './sharedConsole.js'
import type { TierStateEvent } from './tierHealth.js'

afterEach(() => {
  vi.restoreAllMocks()
})

const skipped = (n: number) => ({ reads: n, writes: n, deletes: 0, locks: n })
const down = (prefix: string): TierStateEvent => ({
  prefix,
  state: 'unavailable',
  cause: new Error('connect ECONNREFUSED'),
  outages: 1,
  skipped: skipped(0),
})
const up = (prefix: string, downMs: number, n: number): TierStateEvent => ({
  prefix,
  state: 'available',
  downMs,
  outages: 1,
  skipped: skipped(n),
})

describe('sharedConsole', () => {
  it('prints one line when the first store of a server goes down, one when the last is back', () => {
    const lines: string[] = []
    vi.spyOn(console, 'warn').mockImplementation((line: string) => lines.push(line))
    const shared = sharedConsole('redis://shared-test-1')
    const [a, b, c] = [{}, {}, {}]
    shared.report(a, down('a:'))
    shared.report(b, down('b:'))
    shared.report(c, down('c:'))
    shared.report(a, up('a:', 2_000, 1))
    shared.report(b, up('b:', 2_100, 2))
    expect(lines).toEqual([
      '[@cache/redis] a: Redis unavailable, serving without it: connect ECONNREFUSED',
    ])
    shared.report(c, up('c:', 1_900, 3))
    expect(lines[1]).toBe(
      '[@cache/redis] 3 stores (a:, b:, c:) Redis available again after 2.1 s down; skipped or ' +
        'failed meanwhile: 6 reads, 6 writes, 0 deletes, 6 lock calls',
    )
    expect(lines).toHaveLength(2)
  })

  it('keeps servers apart, and forgets a store that closes while down', () => {
    const lines: string[] = []
    vi.spyOn(console, 'warn').mockImplementation((line: string) => lines.push(line))
    const one = sharedConsole('redis://shared-test-2')
    const two = sharedConsole('redis://shared-test-3')
    const [a, b] = [{}, {}]
    one.report(a, down('a:'))
    two.report(b, down('b:'))
    expect(lines).toHaveLength(2)
    one.leave(a)
    one.report(a, up('a:', 10, 1)) // after it left: nothing to report
    two.report(b, up('b:', 10, 1))
    expect(lines).toHaveLength(3)
    expect(lines[2]).toMatch(/^\[@cache\/redis\] b: Redis available again/)
  })
})
