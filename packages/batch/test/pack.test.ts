// Installs only the packed @cache/batch (and the @cache/keys it depends on) with npm into an
// empty project and uses it from ESM, CJS and TypeScript, through the exports map and the built
// dist. Both dists must be built first (turbo's test task builds them).
import { existsSync } from 'node:fs'

import { describe, expect, it } from 'vitest'

import { packSmoke } from '../../../scripts/packSmoke.js'

const check = `
  const calls = []
  const users = new Batcher(async (keys) => {
    calls.push(keys.length)
    return keys.map((key) => key.id * 2)
  })
  const values = await Promise.all([users.load({ id: 1 }), users.load({ id: 1 }), users.load({ id: 2 })])
  if (values.join() !== '2,2,4' || calls.join() !== '2') throw new Error('batching')
  const many = await new Batcher(async (ids) => new Map(ids.map((id) => [id, -id]))).loadMany([1, 2])
  if (many.join() !== '-1,-2') throw new Error('loadMany')
  let code
  try { new Batcher(async () => [], { maxBatchSize: 0 }) } catch (error) {
    code = error instanceof BatchError && error.code
  }
  if (code !== 'ERR_BATCH_CONFIG') throw new Error('BatchError')
  console.log('ok')
`

describe('the packed package', () => {
  it('installs with @cache/keys alone and works from ESM, CJS and TypeScript', () => {
    for (const dist of ['../dist/index.js', '../../keys/dist/index.js']) {
      expect(existsSync(new URL(dist, import.meta.url)), `${dist} is built`).toBe(true)
    }
    const result = packSmoke({
      packages: ['keys', 'batch'],
      esm: `import { Batcher, BatchError } from '@cache/batch'\n${check}`,
      cjs: `const { Batcher, BatchError } = require('@cache/batch')\n;(async () => {${check}})()`,
      ts: `
        import { Batcher, BatchError } from '@cache/batch'
        import type { BatchContext, BatcherOptions, BatchErrorCode, BatchFn, BatchResult } from '@cache/batch'
        const options: BatcherOptions<number> = { windowMs: 5, maxBatchSize: 10, timeoutMs: 1000 }
        const fn: BatchFn<number, string> = async (ids: number[], context: BatchContext) =>
          context.signal.aborted ? [] : ids.map(String)
        const batcher: Batcher<number, string> = new Batcher(fn, options)
        const one: Promise<string> = batcher.load(1)
        const many: Promise<(string | Error)[]> = batcher.loadMany([1, 2])
        const result: BatchResult<number, string> = new Map([[1, 'a']])
        const code: BatchErrorCode = new BatchError('ERR_BATCH_FN', 'message').code
        export { one, many, result, code }
      `,
    })
    expect(result.installed).toEqual(['batch', 'keys'])
    expect(result.esmOutput).toBe('ok\n')
    expect(result.cjsOutput).toBe('ok\n')
  }, 90_000)
})
