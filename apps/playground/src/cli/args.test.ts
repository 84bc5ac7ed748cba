import { SIMULATION_POLICIES } from '@cache/core'
import { describe, expect, it } from 'vitest'

import { DEFAULT_WORKLOAD } from '../sim/workload.js'
import { parseCliArgs } from './args.js'

describe('parseCliArgs', () => {
  it('reads a trace file run, inferring the format from the extension', () => {
    expect(
      parseCliArgs(['--trace', 'x.arc', '--policies', 'lru,tinylfu', '--sizes', '1000,5000']),
    ).toEqual({
      source: { kind: 'file', path: 'x.arc', options: { format: 'arc' } },
      policies: ['lru', 'tinylfu'],
      sizes: [1000, 5000],
      json: false,
      progress: undefined,
    })
  })

  it('reads CSV options, a numeric column as a number', () => {
    const options = parseCliArgs([
      '--trace',
      't',
      '--format',
      'csv',
      '--csv-column',
      '3',
      '--csv-header',
    ])
    expect(options).toMatchObject({
      source: { options: { format: 'csv', csvColumn: 3, csvHeader: true } },
    })
    expect(parseCliArgs(['--trace', 't.csv', '--csv-column', 'key'])).toMatchObject({
      source: { options: { format: 'csv', csvColumn: 'key' } },
    })
  })

  it('defaults to a Zipf workload, every policy and a range of sizes', () => {
    expect(parseCliArgs([])).toMatchObject({
      source: { kind: 'workload', spec: DEFAULT_WORKLOAD },
      policies: [...SIMULATION_POLICIES],
      sizes: [100, 193, 373, 720, 1389, 2683, 5179, 10000],
    })
  })

  it('reads a synthetic workload', () => {
    const args = [
      '--workload',
      'scanmix',
      '--keys',
      '500',
      '--length',
      '1e4',
      '--skew',
      '0.5',
      '--seed',
      '3',
      '--json',
      '--progress',
    ]
    expect(parseCliArgs(args)).toMatchObject({
      source: {
        kind: 'workload',
        spec: { kind: 'scanmix', keys: 500, length: 10_000, skew: 0.5, seed: 3 },
      },
      json: true,
      progress: true,
    })
  })

  it('returns help for --help', () => {
    expect(parseCliArgs(['--help'])).toBe('help')
  })

  it.each([
    [['--polices', 'lru'], "Unknown option '--polices'"],
    [
      ['--trace', 'x', '--format', 'xml'],
      '--format must be one of lines, arc, lirs, csv, got: "xml"',
    ],
    [
      ['--trace', 'x', '--keys', '10'],
      '--keys describes a synthetic workload; it cannot be combined with --trace',
    ],
    [['--format', 'arc'], '--format applies to a trace file; give --trace FILE'],
    [
      ['--workload', 'random'],
      '--workload must be one of zipf, uniform, loop, scanmix, got: "random"',
    ],
    [['--keys', 'ten'], '--keys must be a number, got: "ten"'],
    [['--keys', '0'], 'keys must be an integer from 1 to 16,000,000, got: 0'],
    [['--sizes', '0'], 'a cache size must be a positive integer up to 1073741824, got: "0"'],
    [['--policies', 'lru,mru'], 'unknown policy "mru"'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(message)
  })
})
