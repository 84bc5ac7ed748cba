import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

import { createCache, simulate, zipfTrace, type PolicyName } from '@cache/core'
import { describe, expect, it } from 'vitest'

import { parseTrace } from '../traces/parseTrace.js'
import type { WorkerRequest, WorkerResponse } from './protocol.js'
import { SimSession } from './simSession.js'

function session(onPost?: (response: WorkerResponse, s: SimSession) => void): {
  session: SimSession
  posted: WorkerResponse[]
} {
  const posted: WorkerResponse[] = []
  const s: SimSession = new SimSession((response) => {
    posted.push(response)
    onPost?.(response, s)
  })
  return { session: s, posted }
}

const last = (posted: WorkerResponse[]): WorkerResponse => posted.at(-1)!
const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url))

/** Whether this runtime's DecompressionStream reads zstd (Node 20's does not). */
function hasWebZstd(): boolean {
  try {
    new DecompressionStream('zstd' as CompressionFormat)
    return true
  } catch {
    return false
  }
}
const spec = { kind: 'zipf', keys: 300, length: 5000, skew: 0.9, seed: 2 } as const

describe('SimSession', () => {
  it('loads a workload and runs it, reporting what simulate reports', async () => {
    const { session: s, posted } = session()
    await s.handle({ type: 'load', id: 1, source: { kind: 'workload', spec } })
    const trace = zipfTrace(spec)
    const distinct = new Set(trace).size
    expect(last(posted)).toEqual({
      type: 'loaded',
      id: 1,
      info: {
        description: 'Zipf 0.9, 300 keys, 5,000 requests, seed 2',
        requests: 5000,
        distinctKeys: distinct,
      },
    })
    await s.handle({ type: 'run', id: 2, policies: ['lru', 'sieve'], sizes: [20, 80] })
    const finished = last(posted)
    if (finished.type !== 'finished') throw new Error(`expected finished, got ${finished.type}`)
    expect(finished.report).toMatchObject({
      requests: 5000,
      distinctKeys: distinct,
      sizes: [20, 80],
    })
    for (const row of finished.report.rows) {
      const policy = row.policy as PolicyName // lru and sieve were run
      expect(row).toMatchObject(simulate(trace, createCache({ policy, maxSize: row.size })))
    }
    expect(posted.some((r) => r.type === 'progress' && r.rows?.length === 4)).toBe(true)
  })

  it('loads a file, streaming it, and replays it on each run', async () => {
    const text = '1 4 0 0\n2 2 0 1\n10 1 0 2\n1 1 0 3\n'
    const { session: s, posted } = session()
    const file = new File([text], 'small.arc')
    await s.handle({
      type: 'load',
      id: 1,
      source: { kind: 'file', file, options: { format: 'arc' } },
    })
    expect(last(posted)).toEqual({
      type: 'loaded',
      id: 1,
      info: { description: 'small.arc (arc)', requests: 8, distinctKeys: 5 },
    })
    await s.handle({ type: 'run', id: 2, policies: ['fifo', 'opt'], sizes: [2] })
    const finished = last(posted)
    if (finished.type !== 'finished') throw new Error(`expected finished, got ${finished.type}`)
    const { keys } = parseTrace(text, { format: 'arc' })
    expect(finished.report.rows[0]).toMatchObject(
      simulate(keys, createCache({ policy: 'fifo', maxSize: 2 })),
    )
    // OPT replays the whole file once it has been read.
    expect(finished.report.rows[1]).toMatchObject({
      policy: 'opt',
      ...simulate(keys, { policy: 'opt', maxSize: 2 }),
    })
  })

  it('loads a gzipped file like the plain one, streaming it through DecompressionStream', async () => {
    const text = readFileSync(fixture('small.arc'), 'utf8')
    const { session: s, posted } = session()
    const file = new File([gzipSync(text)], 'small.arc.gz')
    await s.handle({
      type: 'load',
      id: 1,
      source: { kind: 'file', file, options: { format: 'arc' } },
    })
    expect(last(posted)).toEqual({
      type: 'loaded',
      id: 1,
      info: { description: 'small.arc.gz (arc)', requests: 11, distinctKeys: 7 },
    })
    const progress = posted.filter((r) => r.type === 'progress')
    expect(progress.at(-1)).toEqual({ type: 'progress', id: 1, done: file.size, total: file.size })
    await s.handle({ type: 'run', id: 2, policies: ['lru', 'tinylfu'], sizes: [2, 4] })
    const finished = last(posted)
    if (finished.type !== 'finished') throw new Error(`expected finished, got ${finished.type}`)
    const { keys } = parseTrace(text, { format: 'arc' })
    expect(finished.report).toMatchObject({ requests: 11, distinctKeys: 7 })
    for (const row of finished.report.rows) {
      const policy = row.policy as PolicyName // lru and tinylfu were run
      expect(row).toMatchObject(simulate(keys, createCache({ policy, maxSize: row.size })))
    }
  })

  it('reports a truncated gzip file as ERR_TRACE_DECOMPRESS, naming it', async () => {
    const gzipped = gzipSync(readFileSync(fixture('small.arc')))
    const file = new File([gzipped.subarray(0, gzipped.length - 4)], 'cut.arc.gz')
    const { session: s, posted } = session()
    await s.handle({
      type: 'load',
      id: 1,
      source: { kind: 'file', file, options: { format: 'arc' } },
    })
    expect(last(posted)).toEqual({
      type: 'failed',
      id: 1,
      error: {
        name: 'TraceParseError',
        code: 'ERR_TRACE_DECOMPRESS',
        message: 'cut.arc.gz is corrupt or truncated gzip data: unexpected end of file',
      },
    })
  })

  it('reads a zstd file where DecompressionStream has zstd, else says what it reads', async () => {
    const file = new File([readFileSync(fixture('small.arc.zst'))], 'small.arc.zst')
    const { session: s, posted } = session()
    await s.handle({
      type: 'load',
      id: 1,
      source: { kind: 'file', file, options: { format: 'arc' } },
    })
    if (hasWebZstd()) {
      expect(last(posted)).toMatchObject({
        type: 'loaded',
        info: { requests: 11, distinctKeys: 7 },
      })
    } else {
      expect(last(posted)).toEqual({
        type: 'failed',
        id: 1,
        error: {
          name: 'TraceParseError',
          code: 'ERR_TRACE_UNSUPPORTED_COMPRESSION',
          message:
            'small.arc.zst is zstd-compressed, which this browser cannot decompress (its ' +
            "DecompressionStream has no 'zstd'; pnpm sim reads zstd on Node.js 22.15 or later); " +
            'it reads plain and gzip traces. Decompress it first: zstd -d small.arc.zst',
        },
      })
    }
  })

  it.each<[string, File, Partial<WorkerResponse>]>([
    [
      'a malformed line',
      new File(['1\n2\nthree\n'], 'bad.lirs'),
      {
        error: {
          name: 'TraceParseError',
          code: 'ERR_TRACE_SYNTAX',
          line: 3,
          message: 'line 3: expected a block number (a non-negative integer), got: "three"',
        },
      },
    ],
    [
      'an empty file',
      new File([], 'empty.lirs'),
      {
        error: expect.objectContaining({
          code: 'ERR_TRACE_EMPTY',
          message: 'empty.lirs is empty (0 bytes): no requests',
        }),
      },
    ],
    [
      'a 2 GB file',
      { name: 'huge.lirs', size: 2 * 1024 ** 3 } as File,
      {
        error: expect.objectContaining({
          code: 'ERR_TRACE_TOO_LARGE',
          message: expect.stringContaining('huge.lirs is 2.00 GB'),
        }),
      },
    ],
  ])('reports %s as a failure naming it, and stays usable', async (_, file, failure) => {
    const { session: s, posted } = session()
    await s.handle({
      type: 'load',
      id: 1,
      source: { kind: 'file', file, options: { format: 'lirs' } },
    })
    expect(last(posted)).toMatchObject({ type: 'failed', id: 1, ...failure })
    await s.handle({ type: 'run', id: 2, policies: ['lru'], sizes: [1] })
    expect(last(posted)).toMatchObject({
      type: 'failed',
      error: { message: 'no trace is loaded: load a workload or a file first' },
    })
    await s.handle({ type: 'load', id: 3, source: { kind: 'workload', spec } })
    expect(last(posted)).toMatchObject({ type: 'loaded', id: 3 })
  })

  it('reports an invalid workload parameter with the field', async () => {
    const { session: s, posted } = session()
    await s.handle({
      type: 'load',
      id: 1,
      source: { kind: 'workload', spec: { ...spec, keys: 0 } },
    })
    expect(last(posted)).toMatchObject({
      type: 'failed',
      error: { code: 'ERR_PLAYGROUND_INPUT', field: 'keys' },
    })
  })

  it('cancels a run between batches', async () => {
    const cancel: WorkerRequest = { type: 'cancel', id: 2 }
    const { session: s, posted } = session((response, self) => {
      if (response.type === 'progress') void self.handle(cancel)
    })
    const long = { ...spec, length: 200_000 }
    await s.handle({ type: 'load', id: 1, source: { kind: 'workload', spec: long } })
    await s.handle({ type: 'run', id: 2, policies: ['lru'], sizes: [10] })
    expect(posted.filter((r) => r.type === 'progress')).toHaveLength(1)
    expect(last(posted)).toEqual({ type: 'cancelled', id: 2 })
  })
})
