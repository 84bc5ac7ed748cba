// Hostile input for @cache/redis' entry points that take user input without a server: the store's
// options and the default serializer (issue 17). The outcome is success or the documented error:
// CacheConfigError for options, CodecError for a value encode() refuses; decode() may throw for
// text it cannot read (the store reports that as ERR_REDIS_DECODE) but never overflows the stack.
import { CacheConfigError } from '@cache/decorators'
import {
  assertPrototypesUnchanged,
  documentedOutcome,
  fuzzRuns,
  hostileOptions,
  hostileValue,
} from '@cache/internal/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { CodecError, jsonSerializer } from './codec.js'
import { checkOptions, OPTION_NAMES } from './options.js'

const url = fc.oneof(
  fc.constantFrom(
    'redis://localhost',
    'redis://[::1',
    'redis://127.0.0.1:99999',
    'redis://127.0.0.1:1/x',
    'rediss://u:p@h:6380/3',
    'redis://',
    'redis://h:0',
  ),
  fc.webUrl().map((u) => u.replace(/^https?/, 'redis')),
  fc.string().map((s) => `redis://${s}`),
)

describe('redisStore options', () => {
  it('are accepted or rejected with a CacheConfigError', () => {
    fc.assert(
      fc.property(hostileOptions(OPTION_NAMES, { url, prefix: fc.constant('x:') }), (options) => {
        documentedOutcome(
          () => checkOptions(options()),
          (error) => error instanceof CacheConfigError && error.code === 'ERR_CACHE_CONFIG',
        )
      }),
      { numRuns: fuzzRuns(300) },
    )
  })
})

describe('jsonSerializer', () => {
  it('encodes any value or refuses it with a CodecError; what it encodes decodes', () => {
    fc.assert(
      fc.property(hostileValue, (value) => {
        let text: string | undefined
        documentedOutcome(
          () => {
            text = jsonSerializer.encode(value())
          },
          (error) => error instanceof CodecError,
        )
        if (text !== undefined) {
          const encoded = text
          expect(() => jsonSerializer.decode(encoded)).not.toThrow()
        }
      }),
      { numRuns: fuzzRuns(300) },
    )
  })

  it('decodes any text or throws, but never a RangeError (no stack overflow)', () => {
    const text = fc.oneof(
      fc.json(),
      fc.string(),
      fc.constantFrom(
        '{"$t":"M","v":5}',
        '{"$t":"T","c":"__proto__","v":""}',
        '{"__proto__":{"polluted":1}}',
        '{"$t":"O","v":[["__proto__",{"polluted":1}]]}',
        '{"$t":"E","v":{"name":{},"message":1,"props":[["__proto__",1]]}}',
        '{"$t":"b","v":"1e9999"}',
        '['.repeat(100_000) + ']'.repeat(100_000),
      ),
    )
    fc.assert(
      fc.property(text, (input) => {
        try {
          jsonSerializer.decode(input)
        } catch (error) {
          expect(error).toBeInstanceOf(Error)
          expect(error).not.toBeInstanceOf(RangeError)
        }
        assertPrototypesUnchanged()
      }),
      { numRuns: fuzzRuns(300) },
    )
  })
})
