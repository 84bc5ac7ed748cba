// Spawns the real CLI, as `pnpm sim` does (tsx, @cache/core from its built dist).
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import { describe, expect, it } from 'vitest'

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
