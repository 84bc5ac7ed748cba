// Spawns the real CLI, as `pnpm sim` does (tsx, @cache/core from its built dist).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as zlib from 'node:zlib'

import { afterAll, describe, expect, it } from 'vitest'

const appDir = fileURLToPath(new URL('..', import.meta.url))
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url))

function sim(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(tsx, ['src/cli/sim.ts', ...args], {
    cwd: appDir,
    // What pnpm sets to the directory the command was typed in.
    env: { ...process.env, INIT_CWD: appDir },
    encoding: 'utf8',
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('pnpm sim', () => {
  it('prints the table for an ARC trace', () => {
    const { status, stdout, stderr } = sim(
      '--trace',
      'test/fixtures/small.arc',
      '--format',
      'arc',
      '--policies',
      'lru,tinylfu',
      '--sizes',
      '2,4',
    )
    expect(stderr).toBe('')
    expect(status).toBe(0)
    expect(stdout).toMatch(
      /^small\.arc \(arc\): 11 requests, 7 distinct keys\n\npolicy +size +hit ratio +hits +misses +evictions +ops\/s\nlru +2 +0\.00% +0 +11 +9 /,
    )
    expect(stdout.trimEnd().split('\n')).toHaveLength(7)
  })

  it('prints JSON with --json', () => {
    const { status, stdout } = sim(
      '--trace',
      'test/fixtures/small.lirs',
      '--policies',
      'sieve',
      '--sizes',
      '3',
      '--json',
    )
    expect(status).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({
      workload: 'small.lirs (lirs)',
      requests: 9,
      distinctKeys: 4,
      rows: [{ policy: 'sieve', size: 3, requests: 9 }],
    })
  })

  it('exits with 1 and names the malformed line', () => {
    const { status, stdout, stderr } = sim('--trace', 'test/fixtures/malformed.lirs')
    expect(status).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toBe(
      'sim: test/fixtures/malformed.lirs: line 3: expected a block number (a non-negative integer), got: "three"\n',
    )
  })
})

describe('pnpm sim on compressed traces', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-traces-'))
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })
  const gzipped = zlib.gzipSync(readFileSync(join(appDir, 'test/fixtures/small.arc')))
  const run = ['--policies', 'lru,tinylfu', '--sizes', '2,4', '--json']
  /** The report without timings, which differ from run to run. */
  const withoutTimings = (stdout: string): unknown => {
    const report = JSON.parse(stdout) as { rows: Record<string, unknown>[] }
    return {
      ...report,
      rows: report.rows.map(({ seconds: _s, opsPerSecond: _o, ...row }) => row),
    }
  }
  const plain = sim('--trace', 'test/fixtures/small.arc', ...run)

  it('reads a .gz trace to the same requests, distinct keys and results as the plain one', () => {
    const path = join(dir, 'small.arc.gz')
    writeFileSync(path, gzipped)
    const { status, stdout, stderr } = sim('--trace', path, ...run)
    expect(stderr).toBe('')
    expect(status).toBe(0)
    expect(plain.status).toBe(0)
    expect(withoutTimings(stdout)).toEqual({
      ...(withoutTimings(plain.stdout) as object),
      workload: 'small.arc.gz (arc)',
    })
    expect(JSON.parse(stdout)).toMatchObject({ requests: 11, distinctKeys: 7 })
  })

  it('knows gzip by its first bytes, whatever the name', () => {
    const path = join(dir, 'small.arc')
    writeFileSync(path, gzipped)
    const { status, stdout } = sim('--trace', path, ...run)
    expect(status).toBe(0)
    expect(withoutTimings(stdout)).toEqual(withoutTimings(plain.stdout))
  })

  it('exits with 1 and names a truncated gzip file', () => {
    const path = join(dir, 'cut.arc.gz')
    writeFileSync(path, gzipped.subarray(0, gzipped.length - 4))
    const { status, stdout, stderr } = sim('--trace', path)
    expect(status).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toBe(`sim: ${path} is corrupt or truncated gzip data: unexpected end of file\n`)
  })

  // Node 20's zlib has no zstd; Node 22.15 and later have zlib.createZstdDecompress.
  const zstd =
    typeof (zlib as Partial<Record<string, unknown>>)['createZstdDecompress'] === 'function'

  it.runIf(zstd)('reads a .zst trace like the plain one', () => {
    const { status, stdout } = sim('--trace', 'test/fixtures/small.arc.zst', ...run)
    expect(status).toBe(0)
    expect(withoutTimings(stdout)).toEqual({
      ...(withoutTimings(plain.stdout) as object),
      workload: 'small.arc.zst (arc)',
    })
  })

  it.skipIf(zstd)('exits with 1 on a .zst trace, saying zstd needs Node.js 22.15', () => {
    const { status, stdout, stderr } = sim('--trace', 'test/fixtures/small.arc.zst')
    expect(status).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toBe(
      `sim: test/fixtures/small.arc.zst is zstd-compressed, which Node.js ${process.version} ` +
        'cannot decompress (node:zlib has zstd from Node.js 22.15 on); it reads plain and gzip ' +
        'traces. Decompress it first: zstd -d test/fixtures/small.arc.zst\n',
    )
  })
})
