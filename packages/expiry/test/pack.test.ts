// Installs the packed package alone into an empty project and uses it from ESM, CJS and TS.
import { describe, expect, it } from 'vitest'

import { packSmoke } from '../../../scripts/packSmoke.js'

const check = (lib: string): string => `
const { compileExpiry, ExpiryParseError, formatDuration, parseDate, parseDateTime, parseDuration,
  parseTime, resolveExpiry } = ${lib}
const assert = (ok, what) => { if (!ok) throw new Error('failed: ' + what) }
assert(parseDuration('1d42m6s') === 88926000, 'parseDuration')
assert(parseDuration(formatDuration(930000.001)) === 930000.001, 'formatDuration')
assert(parseDateTime('2012-04-23T09:15:00Z').getTime() === 1335172500000, 'parseDateTime')
assert(parseDate('2012-4-9').day === 9, 'parseDate')
assert(parseTime('11:05:00-05:30').offsetMinutes === -330, 'parseTime')
const item = { value: { token: { exp: '10 minutes' } }, fetchedAt: 1000, isError: false }
assert(resolveExpiry('$.token.exp', item) === 601000, 'resolveExpiry')
assert(compileExpiry(true)(item) === -Infinity, 'compileExpiry')
try { parseDuration('P4Y'); assert(false, 'throws') } catch (e) {
  assert(e instanceof ExpiryParseError && e.code === 'ERR_EXPIRY_PARSE', 'ExpiryParseError')
}
console.log('ok')
`

describe('the packed package', () => {
  it('installs alone and works from ESM, CJS and TypeScript', { timeout: 60_000 }, () => {
    const result = packSmoke({
      packages: ['expiry'],
      esm: check(`await import('@cache/expiry')`),
      cjs: check(`require('@cache/expiry')`),
      ts: `
import { compileExpiry, resolveExpiry, parseDuration, type CachedItem, type ExpirySpec } from '@cache/expiry'
const item: CachedItem<{ ttl: string }> = { value: { ttl: '1h' }, fetchedAt: 0, isError: false }
const sync: number = resolveExpiry(30, item)
const maybe: number | Promise<number> = resolveExpiry((i: CachedItem<{ ttl: string }>) => i.value.ttl, item)
const spec: ExpirySpec = '$.ttl'
const ms: number = parseDuration({ milliseconds: 5 })
const resolver = compileExpiry(spec)
export { sync, maybe, ms, resolver }
`,
    })
    expect(result.installed).toEqual(['expiry'])
    expect(result.esmOutput).toBe('ok\n')
    expect(result.cjsOutput).toBe('ok\n')
  })
})
