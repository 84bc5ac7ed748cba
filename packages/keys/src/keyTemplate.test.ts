import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { KeyError } from './keyError.js'
import { keyTemplate, SINGLE_KEY } from './keyTemplate.js'

function thrown(run: () => unknown): KeyError {
  try {
    run()
  } catch (error) {
    if (error instanceof KeyError) return error
    throw error
  }
  throw new Error('did not throw')
}

describe('keyTemplate', () => {
  it('renders arguments into the template', () => {
    expect(keyTemplate('user:{0}')(42)).toBe('user:42')
    expect(keyTemplate('user:{1}/{0}')('a', 'b')).toBe('user:b/a')
    expect(keyTemplate('all-users')()).toBe('all-users')
    expect(keyTemplate('{0}')('x')).toBe('x')
  })

  it('reads properties, getters and array indexes', () => {
    const postsKey = keyTemplate('posts:{0.user.id}:{1.length}:{0.tags.1}:{0[tags][0]}')
    expect(postsKey({ user: { id: 'ann' }, tags: ['a', 'b'] }, 'four')).toBe('posts:ann:4:b:a')
    expect(keyTemplate('size:{0.size}')(new Map([[1, 1]]))).toBe('size:1')
    expect(keyTemplate(`q:{0["a b"]}/{0['c.d']}`)({ 'a b': 1, 'c.d': 2 })).toBe('q:1/2')
  })

  it('names arguments through paramNames', () => {
    const key = keyTemplate('env:{environment.id}:id:{user[id]}', {
      paramNames: ['environment', 'user'],
    })
    expect(key({ id: 'prod' }, { id: 7 })).toBe('env:prod:id:7')
    expect(keyTemplate('{b}-{0}', { paramNames: ['a', 'b'] })('x', 'y')).toBe('y-x')
  })

  it('offers SINGLE_KEY for functions whose result ignores their arguments', () => {
    expect(SINGLE_KEY()).toBe('single')
    expect(SINGLE_KEY(1, { a: 2 })).toBe('single')
  })

  it('renders numbers, bigints and booleans as text', () => {
    expect(keyTemplate('v:{0},{1},{2},{3},{4}')(1.5, -2, 10n, true, NaN)).toBe(
      'v:1.5,-2,10,true,NaN',
    )
  })

  it('writes {{ and }} as literal braces', () => {
    expect(keyTemplate('{{tag}}:{0}')('x')).toBe('{tag}:x')
  })

  it('escapes % and the template’s separators inside values, so values cannot forge a key', () => {
    const key = keyTemplate('a:{0}:{1}')
    expect(key('x:y', 'z')).toBe('a:x%3Ay:z')
    expect(key('x', 'y:z')).toBe('a:x:y%3Az')
    expect(key('100%', 'ok')).toBe('a:100%25:ok')
    expect(keyTemplate('p.{0}.{1}')(1.5, 2)).toBe('p.1%2E5.2')
    expect(keyTemplate('x→{0}→😀{1}')('→😀', 'a')).toBe('x→%u2192%U01F600→😀a')
    // Characters the template does not use stay as they are.
    expect(key('ann@example.com/1', 'b')).toBe('a:ann@example.com/1:b')
  })

  describe('never renders two different argument lists to the same key', () => {
    // Each template is rendered with every pair of short values over characters likely to
    // collide (including the escape character and escape digits); no two pairs may share a key.
    const alphabet = ['a', '%', ':', '2', '5']
    const values = ['', ...alphabet, ...alphabet.flatMap((x) => alphabet.map((y) => x + y))]
    function expectInjective(template: string): void {
      let render
      try {
        render = keyTemplate(template)
      } catch {
        return // a template the compiler rejects renders nothing
      }
      const uses0 = template.includes('{0}')
      const uses1 = template.includes('{1}')
      const seen = new Map<string, string>()
      for (const a of uses0 ? values : ['']) {
        for (const b of uses1 ? values : ['']) {
          const key = render(a, b)
          const args = JSON.stringify([a, b])
          expect(seen.get(key) ?? args, `${template} renders ${key}`).toBe(args)
          seen.set(key, args)
        }
      }
    }

    it('with every separator of up to three characters', () => {
      let separators = ['']
      for (let length = 1; length <= 3; length++) {
        separators = separators.flatMap((s) => alphabet.map((c) => s + c))
        for (const separator of separators) expectInjective(`{0}${separator}{1}`)
      }
    })

    it('with random templates', () => {
      const template = fc
        .array(fc.constantFrom(...alphabet, '{0}', '{1}'), { maxLength: 7 })
        .map((parts) => parts.join(''))
      fc.assert(fc.property(template, expectInjective), { numRuns: 300 })
    })
  })

  it('checks the template and options when it is compiled', () => {
    const cases: [unknown, string][] = [
      ['user:{0', 'has an unclosed `{` at 5'],
      ['user:{0.a', 'has an unclosed `{` at 5'],
      ['user:0}', 'has a lone `}` at 6'],
      [
        'user:{-}',
        'has an invalid placeholder `{-}` at 5: expected an argument position or name at 6',
      ],
      [
        'user:{0.}',
        'has an invalid placeholder `{0.}` at 5: expected a `.name`, `[name]`, `["name"]` or the closing `}` at 8',
      ],
      ['user:{0.a-b}', 'has an invalid placeholder `{0.a-b}` at 5'],
      ['user:{0[a}', 'has an invalid placeholder `{0[a}` at 5'],
      ['user:{0["a]}', 'has an invalid placeholder `{0["a]}` at 5'],
      [
        'user:{id}',
        'names `{id}` at 5, but `paramNames` is not given (use a position, as in `{0}`)',
      ],
      ['{0}{1}', 'needs a character other than a letter, a digit or `%` between `{0}` and `{1}`'],
      ['{0}ab12{1}', 'between `{0}` and `{1}`'],
      ['{0}%{1}', 'between `{0}` and `{1}`'],
      [42, '`template` must be a string, got: 42'],
    ]
    for (const [template, message] of cases) {
      const error = thrown(() => keyTemplate(template as string))
      expect(error).toMatchObject({ name: 'KeyError', code: 'ERR_KEY_TEMPLATE', value: template })
      expect(error.message).toContain(message)
    }
    expect(thrown(() => keyTemplate('{user}', { paramNames: ['id', 'name'] })).message).toBe(
      'Key template "{user}" names `{user}` at 0, but `paramNames` holds only `id`, `name`',
    )
    expect(() => keyTemplate('{0}_{1}')).not.toThrow()
    expect(() => keyTemplate('{0}%:{1}')).not.toThrow()

    expect(thrown(() => keyTemplate('{0}', { paramNames: [''] }))).toMatchObject({
      code: 'ERR_KEY_OPTIONS',
      message: '`paramNames[0]` must be a non-empty string, got: ""',
    })
    expect(thrown(() => keyTemplate('{0}', null as never))).toMatchObject({
      code: 'ERR_KEY_OPTIONS',
      message: '`options` must be an object, got: null',
    })
  })

  describe('automatic numbering, as in Python’s str.format', () => {
    it('gives `{}` the first argument, the next `{}` the second, and so on', () => {
      expect(keyTemplate('id:{}:env:{}')(7, 'prod')).toBe('id:7:env:prod')
      expect(keyTemplate('{}')('only')).toBe('only')
      expect(keyTemplate('a:{}:b:{}:c:{}')(1, 2, 3, 4)).toBe('a:1:b:2:c:3')
    })

    it('reads properties from an automatically numbered argument: `{.id}`, `{[0]}`', () => {
      expect(keyTemplate('user:{.id}:tag:{[1]}')({ id: 42 }, ['a', 'b'])).toBe('user:42:tag:b')
    })

    it('lets names go with automatic numbering', () => {
      // Python allows '{}:{name}'; here a name is a parameter's position, so both read it.
      const key = keyTemplate('{}:{env}', { paramNames: ['user', 'env'] })
      expect(key('ann', 'prod')).toBe('ann:prod')
    })

    it('escapes and separates automatically numbered values like numbered ones', () => {
      const key = keyTemplate('a:{}:{}')
      expect(key('x:y', 'z')).toBe('a:x%3Ay:z')
      expect(key('x', 'y:z')).toBe('a:x:y%3Az')
      expect(thrown(() => keyTemplate('{}{}')).message).toBe(
        'Key template "{}{}" needs a character other than a letter, a digit or `%` between `{}` ' +
          'and `{}`, or two different calls could render the same key',
      )
    })

    it('rejects mixing `{}` with `{0}` in one template, either way round', () => {
      const cases: [string, string][] = [
        [
          'id:{}:env:{0}',
          'Key template "id:{}:env:{0}" cannot switch from automatic field numbering (`{}` at 3) ' +
            "to manual field numbering (`{0}` at 10), as in Python's str.format: number every " +
            'placeholder, as in `{0}`, or none, as in `{}`',
        ],
        [
          'id:{0.id}:env:{[1]}',
          'Key template "id:{0.id}:env:{[1]}" cannot switch from manual field numbering ' +
            "(`{0.id}` at 3) to automatic field numbering (`{[1]}` at 14), as in Python's " +
            'str.format: number every placeholder, as in `{0}`, or none, as in `{}`',
        ],
      ]
      for (const [template, message] of cases) {
        const error = thrown(() => keyTemplate(template))
        expect(error).toMatchObject({ name: 'KeyError', code: 'ERR_KEY_TEMPLATE', value: template })
        expect(error.message).toBe(message)
      }
    })

    it('names the argument an automatic placeholder took in value errors', () => {
      expect(thrown(() => keyTemplate('id:{}:env:{}')(7)).message).toBe(
        'Key template "id:{}:env:{}": `1` must be a string, number, bigint or boolean, got: undefined',
      )
      expect(thrown(() => keyTemplate('id:{.x.y}')({})).message).toBe(
        'Key template "id:{.x.y}": `0.x` is undefined, so `{.x.y}` cannot be read',
      )
    })
  })

  it('names the missing part of a path', () => {
    const key = keyTemplate('env:{env.id}:{user.address.city}', { paramNames: ['env', 'user'] })
    const cases: [unknown[], string, unknown][] = [
      [[], '`env` is undefined, so `{env.id}` cannot be read', undefined],
      [
        [{ id: 1 }, { address: null }],
        '`user.address` is null, so `{user.address.city}` cannot be read',
        null,
      ],
      [
        [{ id: 1 }, {}],
        '`user.address` is undefined, so `{user.address.city}` cannot be read',
        undefined,
      ],
      [[{}, {}], '`env.id` must be a string, number, bigint or boolean, got: undefined', undefined],
    ]
    for (const [args, message, value] of cases) {
      const error = thrown(() => key(...args))
      expect(error).toMatchObject({ name: 'KeyError', code: 'ERR_KEY_TEMPLATE_VALUE', value })
      expect(error.message).toBe(`Key template "env:{env.id}:{user.address.city}": ${message}`)
    }
  })

  it('names an argument on a missing path by its name, or by its position as a number', () => {
    expect(thrown(() => keyTemplate('{01.a}')()).message).toBe(
      'Key template "{01.a}": `1` is undefined, so `{01.a}` cannot be read',
    )
    expect(thrown(() => keyTemplate('{u.a}', { paramNames: ['u'] })()).message).toBe(
      'Key template "{u.a}": `u` is undefined, so `{u.a}` cannot be read',
    )
  })

  it('rejects a placeholder that leads to a value without a text form', () => {
    const key = keyTemplate('user:{0.id}')
    const id = { n: 1 }
    const cases: [unknown, string][] = [
      [{ id: null }, 'got: null'],
      [{ id }, 'got: [object Object]'],
      [{ id: Symbol('s') }, 'got: Symbol(s)'],
      [{ id: () => 1 }, 'got: [Function id]'],
    ]
    for (const [arg, message] of cases) {
      const error = thrown(() => key(arg))
      expect(error.code).toBe('ERR_KEY_TEMPLATE_VALUE')
      expect(error.message).toBe(
        `Key template "user:{0.id}": \`0.id\` must be a string, number, bigint or boolean, ${message}`,
      )
    }
    expect(thrown(() => key({ id })).value).toBe(id)
    expect(thrown(() => keyTemplate('{1}')('only one')).value).toBeUndefined()
  })
})
