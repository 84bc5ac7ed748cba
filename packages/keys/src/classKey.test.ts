import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import { describe, expect, it } from 'vitest'

import * as billing from '../test/fixtures/billingMoney.js'
import * as ledger from '../test/fixtures/ledgerMoney.js'
import { KeyError } from './keyError.js'
import { keyOf } from './keyOf.js'
import { makeKey } from './makeKey.js'
import { stableHash } from './stableHash.js'

const script = fileURLToPath(new URL('../test/fixtures/printClassHashes.ts', import.meta.url))

/** The hashes printClassHashes.ts prints in a process of its own. */
function hashesInChildProcess(): Record<string, string> {
  const output = execFileSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' })
  return JSON.parse(output) as Record<string, string>
}

function catchKeyError(fn: () => unknown): KeyError {
  try {
    fn()
  } catch (error) {
    if (error instanceof KeyError) return error
    throw new Error(`expected a KeyError, got: ${String(error)}`, { cause: error })
  }
  throw new Error('expected a KeyError, but nothing was thrown')
}

describe('the class of a keyed value', () => {
  it('keeps apart two classes with the same name whose [keyOf]() or toJSON() agree', () => {
    expect(billing.Money.name).toBe('MoneyClass')
    expect(ledger.Money.name).toBe('MoneyClass')
    expect(stableHash(new billing.Money(500))).not.toBe(stableHash(new ledger.Money(500)))
    expect(stableHash(new billing.Price(500))).not.toBe(stableHash(new ledger.Price(500)))
    expect(makeKey([new billing.Money(500)])).not.toBe(makeKey([new ledger.Money(500)]))
    // Each class still hashes its own equal instances alike.
    expect(stableHash(new billing.Money(500))).toBe(stableHash(new billing.Money(500)))
    expect(stableHash(new ledger.Money(500))).toBe(stableHash(new ledger.Money(500)))
  })

  it('gives one class the same hashes in every process running the same code', () => {
    const first = hashesInChildProcess()
    const second = hashesInChildProcess()
    expect(second).toEqual(first)
    expect(new Set(Object.values(first)).size).toBe(4)
  }, 30_000)

  it('uses a static [keyOf] string as the class, whatever its name and code', () => {
    class Money {
      static [keyOf] = 'billing.Money'
      constructor(readonly cents: number) {}
      [keyOf](): number {
        return this.cents
      }
    }
    // Renamed and edited, but declaring the same name in keys: one class to stableHash.
    class MoneyV2 {
      static [keyOf] = 'billing.Money'
      constructor(readonly amount: number) {}
      [keyOf](): number {
        return this.amount
      }
    }
    expect(stableHash(new MoneyV2(500))).toBe(stableHash(new Money(500)))
    expect(stableHash(new Money(500))).not.toBe(stableHash(new billing.Money(500)))
    // A static [keyOf] is not inherited: a subclass is a class of its own.
    class Sub extends Money {}
    expect(stableHash(new Sub(500))).not.toBe(stableHash(new Money(500)))
  })

  it('rejects a static [keyOf] that is not a non-empty string with ERR_KEY_CLASS', () => {
    class Bad {
      static [keyOf] = 42
      toJSON(): string {
        return 'x'
      }
    }
    const error = catchKeyError(() => stableHash([new Bad()]))
    expect(error.code).toBe('ERR_KEY_CLASS')
    expect(error.value).toBe(42)
    expect(error.message).toBe(
      '`static [keyOf]` of class [Function Bad] must be a non-empty string that names the class ' +
        'in keys, got: 42',
    )
    class Empty {
      static [keyOf] = '';
      [keyOf](): number {
        return 1
      }
    }
    expect(catchKeyError(() => stableHash(new Empty())).code).toBe('ERR_KEY_CLASS')
  })

  it('treats a class loaded twice (same name, same source) as one class', () => {
    const make = () =>
      class Token {
        constructor(readonly id: string) {}
        toJSON(): string {
          return this.id
        }
      }
    const First = make()
    const Second = make()
    expect(First).not.toBe(Second)
    expect(stableHash(new First('a'))).toBe(stableHash(new Second('a')))
  })
})
