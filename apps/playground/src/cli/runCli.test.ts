import { fileURLToPath } from 'node:url'

import { createCache, simulate, SIMULATION_POLICIES, zipfTrace } from '@cache/core'
import { describe, expect, it } from 'vitest'

import type { SimulationReport } from '../sim/results.js'
import { runCli } from './runCli.js'

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url))

async function cli(
  argv: string[],
  isTTY = false,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY },
    cwd: fixture(''),
  })
  return { code, stdout, stderr }
}

describe('runCli', () => {
  it('prints a table for a trace file', async () => {
    const { code, stdout, stderr } = await cli([
      '--trace',
      fixture('small.arc'),
      '--policies',
      'lru,fifo',
      '--sizes',
      '2,4',
    ])
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    const lines = stdout.split('\n')
    expect(lines[0]).toBe('small.arc (arc): 11 requests, 7 distinct keys')
    // policy, size, hit ratio, hits, misses, evictions; ops/s varies.
    expect(lines.slice(2, 7).map((line) => line.split(/\s+/).slice(0, 6).join(' '))).toEqual([
      'policy size hit ratio hits misses',
      'lru 2 0.00% 0 11 9',
      'lru 4 27.27% 3 8 4',
      'fifo 2 0.00% 0 11 9',
      'fifo 4 27.27% 3 8 4',
    ])
  })

  it.each([
    ['small.lirs', ['--format', 'lirs'], 9, 4],
    ['small.txt', [], 6, 3],
    ['small.csv', ['--csv-column', 'key'], 5, 3],
  ])('reads %s', async (name, extra, requests, distinctKeys) => {
    const { code, stdout } = await cli([
      '--trace',
      fixture(name),
      '--json',
      '--policies',
      'lru',
      '--sizes',
      '2',
      ...extra,
    ])
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({ requests, distinctKeys })
  })

  it('prints JSON with what simulate counts, for a synthetic workload', async () => {
    const spec = { keys: 400, length: 8000, skew: 0.8, seed: 4 }
    const argv = [
      '--workload',
      'zipf',
      '--keys',
      '400',
      '--length',
      '8000',
      '--skew',
      '0.8',
      '--seed',
      '4',
      '--sizes',
      '20,100',
      '--json',
    ]
    const { code, stdout } = await cli(argv)
    expect(code).toBe(0)
    const report = JSON.parse(stdout) as SimulationReport
    expect(report.workload).toBe('Zipf 0.8, 400 keys, 8,000 requests, seed 4')
    expect(report.rows.map((row) => `${row.policy}@${row.size}`)).toEqual(
      SIMULATION_POLICIES.flatMap((policy) => [`${policy}@20`, `${policy}@100`]),
    )
    const trace = zipfTrace(spec)
    for (const row of report.rows) {
      const target =
        row.policy === 'opt'
          ? { policy: row.policy, maxSize: row.size }
          : createCache({ policy: row.policy, maxSize: row.size })
      expect(row).toMatchObject(simulate(trace, target))
    }
  })

  it('draws a progress bar on stderr only for a terminal or with --progress', async () => {
    const argv = ['--trace', fixture('small.lirs'), '--sizes', '2']
    expect((await cli(argv)).stderr).toBe('')
    expect((await cli(argv, true)).stderr).toContain('replaying small.lirs through 7 caches [')
    expect((await cli([...argv, '--progress'])).stderr).toContain('100%')
  })

  it.each([
    [
      ['--trace', fixture('malformed.lirs')],
      /^sim: .*malformed\.lirs: line 3: expected a block number \(a non-negative integer\), got: "three"\n$/,
    ],
    [
      ['--trace', fixture('empty.txt')],
      /^sim: .*empty\.txt: the trace has no requests: the file is empty\n$/,
    ],
    [
      ['--trace', fixture('missing.txt')],
      /^sim: cannot read the trace ".*missing\.txt": no such file\n$/,
    ],
    [['--trace', fixture('')], /^sim: the trace ".*fixtures\/?" is not a file\n$/],
    [
      ['--sizes', '100,0'],
      /^sim: a cache size must be a positive integer up to 1073741824, got: "0"\n$/,
    ],
  ])('exits with 1 and a clear message for %j', async (argv, message) => {
    const { code, stdout, stderr } = await cli(argv)
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' })
    expect(stderr).toMatch(message)
  })

  it('resolves a relative trace path against its working directory', async () => {
    const { code, stdout } = await cli(['--trace', 'small.lirs', '--sizes', '2', '--json'])
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({ workload: 'small.lirs (lirs)', requests: 9 })
  })

  it('prints help', async () => {
    const { code, stdout } = await cli(['--help'])
    expect(code).toBe(0)
    expect(stdout).toContain('Usage: pnpm sim [options]')
  })
})
