import { describe, expect, it } from 'vitest'

import * as expiry from './index.js'

describe('@cache/expiry', () => {
  it('exports exactly its public API', () => {
    expect(Object.keys(expiry).sort()).toEqual([
      'ExpiryParseError',
      'compileExpiry',
      'compilePointer',
      'formatDuration',
      'parseDate',
      'parseDateTime',
      'parseDuration',
      'parseTime',
      'resolveExpiry',
    ])
  })
})
