// The built package, packed and installed by npm in an empty project, from ESM, CJS and TypeScript.
import { describe, expect, it } from 'vitest'

import { packSmoke } from '../../../scripts/packSmoke.js'

const check = `
  if (stableHash({ a: 1, b: [2] }) !== stableHash({ b: [2], a: 1 })) throw new Error('order')
  if (!/^[0-9a-f]{32}$/.test(stableHash('x'))) throw new Error('format')
  if (makeKey([{}, 'user-1'], { skipArgs: 1 }) !== 'user-1') throw new Error('makeKey')
  if (keyTemplate('user:{id}', { paramNames: ['id'] })(42) !== 'user:42') throw new Error('template')
  if (SINGLE_KEY() !== 'single') throw new Error('SINGLE_KEY')
  if (keyOf !== Symbol.for('@cache/keys.keyOf')) throw new Error('keyOf')
  let code
  try { makeKey('x') } catch (error) { code = error instanceof KeyError && error.code }
  if (code !== 'ERR_KEY_ARGS') throw new Error('KeyError')
  console.log(stableHash([1, 'a', new Map([[1, new Date(0)]])]))
`
const names = 'stableHash, makeKey, keyTemplate, SINGLE_KEY, keyOf, KeyError'

describe('the packed package', () => {
  it('installs alone and works from ESM, CJS and TypeScript alike', () => {
    const result = packSmoke({
      packages: ['keys'],
      esm: `import { ${names} } from '@cache/keys'\n${check}`,
      cjs: `const { ${names} } = require('@cache/keys')\n${check}`,
      ts: `
        import { stableHash, makeKey, keyTemplate, keyOf, KeyError } from '@cache/keys'
        import type { CacheKey, Keyed, KeyErrorCode, MakeKeyOptions } from '@cache/keys'
        class UserId implements Keyed {
          constructor(readonly id: string) {}
          [keyOf]() { return this.id }
        }
        const options: MakeKeyOptions = { skipArgs: 1 }
        const hash: string = stableHash(new UserId('a'))
        const key: CacheKey = makeKey([1, 2], options)
        const render: (id: number) => string = keyTemplate<[id: number]>('user:{0}')
        const code: KeyErrorCode = new KeyError('ERR_KEY_ARGS', 'm', 1).code
        export { hash, key, render, code }
      `,
    })
    expect(result.installed).toEqual(['keys'])
    expect(result.esmOutput).toBe(result.cjsOutput)
    expect(result.esmOutput.trim()).toMatch(/^[0-9a-f]{32}$/)
  }, 60_000)
})
