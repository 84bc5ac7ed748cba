import { describe, expect, it } from 'vitest'

import { DEFAULT_STATE, type PageState } from './pageState.js'
import { stateFromQuery, stateToQuery } from './urlState.js'

describe('URL state', () => {
  it('round-trips a synthetic workload', () => {
    const state: PageState = {
      ...DEFAULT_STATE,
      source: 'scanmix',
      keys: 5000,
      length: 20_000,
      skew: 0.7,
      seed: 9,
      policies: ['lru', 'tinylfu', 'opt'],
      sizes: '10..1k:4',
    }
    const query = stateToQuery(state)
    expect(query).toBe(
      'source=scanmix&keys=5000&length=20000&skew=0.7&seed=9&policies=lru%2Ctinylfu%2Copt&sizes=10..1k%3A4',
    )
    expect(stateFromQuery(query)).toEqual(state)
  })

  it('round-trips a CSV file choice, naming the file', () => {
    const state: PageState = {
      ...DEFAULT_STATE,
      source: 'file',
      format: 'csv',
      fileName: 'requests.csv',
      csvColumn: 'key',
      csvHeader: true,
    }
    expect(stateFromQuery(stateToQuery(state))).toEqual(state)
  })

  it('keeps defaults for missing or invalid parameters', () => {
    expect(stateFromQuery('source=bogus&keys=abc&policies=nope,lru&format=xml')).toEqual({
      ...DEFAULT_STATE,
      policies: ['lru'],
    })
    expect(stateFromQuery('')).toEqual(DEFAULT_STATE)
    expect(DEFAULT_STATE.policies).toContain('opt')
  })
})
