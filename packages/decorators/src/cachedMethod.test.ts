// The @cached method decorator (TC39 standard decorators; this file is compiled by TypeScript,
// see vitest.config.ts).
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

import { CacheConfigError } from '@cache/core'
import { keyOf } from '@cache/keys'
import { describe, expect, it, vi } from 'vitest'

import { cached, methodCache } from './cached.js'

describe('@cached(options) on a class method', () => {
  it('caches per instance by default', async () => {
    const load = vi.fn((prefix: string, id: number) => Promise.resolve(`${prefix}${id}`))
    class Users {
      constructor(readonly prefix: string) {}

      @cached({ ttl: 60_000 })
      async byId(id: number): Promise<string> {
        return load(this.prefix, id)
      }
    }
    const a = new Users('a')
    const b = new Users('b')
    await expect(a.byId(1)).resolves.toBe('a1')
    await expect(a.byId(1)).resolves.toBe('a1')
    await expect(b.byId(1)).resolves.toBe('b1')
    expect(load).toHaveBeenCalledTimes(2)
    expect(await methodCache(a, 'byId').stats()).toMatchObject({ hits: 1, misses: 1, size: 1 })
    expect(await methodCache(b, 'byId').stats()).toMatchObject({ hits: 0, misses: 1, size: 1 })
    expect(await methodCache(a, 'byId').info()).toMatchObject({
      name: 'byId',
      perInstance: true,
      async: true,
      ttl: 60_000,
    })
  })

  it('invalidates and clears one instance’s cache through methodCache()', async () => {
    const load = vi.fn((id: number) => Promise.resolve(id))
    class Users {
      @cached()
      async byId(id: number): Promise<number> {
        return load(id)
      }
    }
    const users = new Users()
    await users.byId(1)
    await expect(methodCache(users, 'byId').invalidate(1)).resolves.toBe(true)
    await expect(methodCache(users, 'byId').invalidate(1)).resolves.toBe(false)
    await users.byId(1)
    await methodCache(users, 'byId').clear()
    await users.byId(1)
    expect(load).toHaveBeenCalledTimes(3)
  })

  it('shares one cache with perInstance: false, keying by the instance', async () => {
    const load = vi.fn((region: string, id: number) => Promise.resolve(`${region}:${id}`))
    class Api {
      constructor(readonly region: string) {}

      [keyOf](): string {
        return this.region
      }

      @cached({ perInstance: false })
      async get(id: number): Promise<string> {
        return load(this.region, id)
      }
    }
    await new Api('eu').get(1)
    await new Api('eu').get(1) // another instance, the same key by [keyOf]()
    await new Api('us').get(1)
    expect(load).toHaveBeenCalledTimes(2)
    const shared = methodCache(new Api('x'), 'get')
    expect(await shared.stats()).toMatchObject({ hits: 1, misses: 2, size: 2 })
    await expect(methodCache(new Api('eu'), 'get').invalidate(1)).resolves.toBe(true)
    await expect(methodCache(new Api('us'), 'get').invalidate(1)).resolves.toBe(true)
  })

  it('keeps instances with perInstance: false apart by identity without [keyOf]()', async () => {
    const load = vi.fn(() => Promise.resolve(1))
    class Plain {
      @cached({ perInstance: false })
      async get(): Promise<number> {
        return load()
      }
    }
    const one = new Plain()
    await one.get()
    await one.get()
    await new Plain().get()
    expect(load).toHaveBeenCalledTimes(2)
  })

  it('caches a sync method without promises', () => {
    const compute = vi.fn((n: number) => n * n)
    class Maths {
      @cached({ maxSize: 10 })
      square(n: number): number {
        return compute(n)
      }
    }
    const maths = new Maths()
    expect(maths.square(3)).toBe(9)
    expect(maths.square(3)).toBe(9)
    expect(compute).toHaveBeenCalledTimes(1)
    expect(methodCache(maths, 'square').stats()).toMatchObject({ hits: 1, misses: 1 })
    expect(methodCache(maths, 'square').invalidate(3)).toBe(true)
  })

  it('works bare, as @cached, and on static methods', async () => {
    const load = vi.fn(() => Promise.resolve('config'))
    class Config {
      readonly kind = 'config'

      @cached
      static async load(): Promise<string> {
        return load()
      }
    }
    await Config.load()
    await Config.load()
    expect(load).toHaveBeenCalledTimes(1)
  })

  it('shares concurrent calls of one instance and passes `this` through', async () => {
    let resolve!: (value: number) => void
    const load = vi.fn(() => new Promise<number>((r) => (resolve = r)))
    class Counter {
      offset = 100
      @cached()
      async next(): Promise<number> {
        return (await load()) + this.offset
      }
    }
    const counter = new Counter()
    const calls = [counter.next(), counter.next(), counter.next()]
    resolve(1)
    await expect(Promise.all(calls)).resolves.toEqual([101, 101, 101])
    expect(load).toHaveBeenCalledTimes(1)
  })

  it('lets an instance, its cache and the cached values be garbage-collected', async () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    class Holder {
      readonly payload = new Array<number>(1_000).fill(1)
      @cached({ autoRemoveExpired: 1_000, dispose: () => undefined })
      async self(): Promise<Holder> {
        return Promise.resolve(this)
      }
    }
    let holder: Holder | undefined = new Holder()
    await holder.self()
    const instance = new WeakRef(holder)
    const cache = new WeakRef(methodCache(holder, 'self').cache)
    holder = undefined
    await new Promise((resolve) => setTimeout(resolve, 0))
    gc()
    expect(instance.deref()).toBeUndefined()
    expect(cache.deref()).toBeUndefined()
  })

  it('calls through when called without an object `this`', () => {
    class Echo {
      @cached()
      echo(n: number): number {
        return n
      }
    }
    const echo = Object.getOwnPropertyDescriptor(Echo.prototype, 'echo')!.value as Echo['echo']
    expect(echo.call(undefined as unknown as Echo, 5)).toBe(5)
  })

  it('rejects invalid options when the decorator is made, before any class exists', () => {
    expect(() => cached({ ttl: -1 })).toThrow(CacheConfigError)
    expect(() => cached({ perInstance: 'yes' as unknown as boolean })).toThrow(
      '`perInstance` must be a boolean, got: "yes"',
    )
  })

  it('rejects sync-only mistakes when the class is defined', () => {
    const decorator = cached({ timeoutMs: 10 })
    expect(() => {
      class Bad {
        @decorator
        run(): number {
          return 1
        }
      }
      return Bad
    }).toThrow('`timeoutMs` must be left out for a sync function')
  })

  it('refuses to decorate anything but a method', () => {
    const decorator = cached() as unknown as (
      value: undefined,
      context: ClassFieldDecoratorContext,
    ) => void
    expect(() => {
      class Bad {
        @decorator
        field = 1
      }
      return Bad
    }).toThrow('`@cached` must be applied to a class method, got: "field"')
  })

  it('refuses methodCache() for a method that is not decorated', () => {
    class Plain {
      run(): number {
        return 1
      }
    }
    expect(() => methodCache(new Plain(), 'run')).toThrow(
      '`method` must be the name of a method decorated with @cached, got: "run"',
    )
  })
})
