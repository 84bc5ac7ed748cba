// End to end: builds the app with Vite, serves dist/ on loopback and drives it in headless
// Chromium; the numbers it expects come from @cache/core's simulate on the same traces.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

import {
  createCache,
  POLICIES,
  simulate,
  SIMULATION_POLICIES,
  zipfTrace,
  type SimulationPolicyName,
} from '@cache/core'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { formatCount, formatPercent } from '../../src/sim/format.js'
import { parseTrace } from '../../src/traces/parseTrace.js'
import type { KeyArray } from '../../src/traces/keyBatcher.js'
import { ensureChromium, launchChromium } from './chromium.js'
import { serveDirectory, type StaticServer } from './staticServer.js'

const appDir = fileURLToPath(new URL('../..', import.meta.url))
const fixture = (name: string): string => `${appDir}test/fixtures/${name}`

let server: StaticServer | undefined
let browser: Browser | undefined
let page: Page
const pageErrors: string[] = []

beforeAll(async () => {
  ensureChromium()
  execFileSync(`${appDir}node_modules/.bin/vite`, ['build', '--logLevel', 'warn'], {
    cwd: appDir,
    stdio: 'inherit',
  })
  server = await serveDirectory(`${appDir}dist`)
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  page.on('pageerror', (error) => pageErrors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text())
  })
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/** The table rows without the ops/s column (a timing). */
function expectedRows(
  trace: KeyArray,
  policies: SimulationPolicyName[],
  sizes: number[],
): string[][] {
  return policies.flatMap((policy) =>
    sizes.map((size) => {
      const result = simulate(
        trace,
        policy === 'opt' ? { policy, maxSize: size } : createCache({ policy, maxSize: size }),
      )
      return [
        policy,
        formatCount(size),
        formatPercent(result.hitRatio),
        formatCount(result.hits),
        formatCount(result.misses),
        formatCount(result.evictions),
      ]
    }),
  )
}

async function tableRows(target: Page): Promise<string[][]> {
  return target
    .locator('#results tbody tr')
    .evaluateAll((rows: HTMLTableRowElement[]) =>
      rows.map((row) => [...row.cells].slice(0, 6).map((cell) => cell.textContent)),
    )
}

async function choosePolicies(policies: SimulationPolicyName[]): Promise<void> {
  for (const box of await page.$$('#policies input[type=checkbox]')) {
    const value = await box.getAttribute('value')
    await box.setChecked(policies.includes(value as SimulationPolicyName))
  }
}

async function runAndWait(target: Page = page): Promise<void> {
  await target.click('#run')
  await target.waitForFunction(() => {
    const label = document.getElementById('progress-label')?.textContent ?? ''
    return label.startsWith('Done') || label === 'Failed.'
  })
}

const errorText = (): Promise<string> => page.locator('#error').innerText()

/** Retries an assertion until it holds: the page works asynchronously (a worker, timers). */
const eventually = <T>(read: () => Promise<T>) =>
  expect.poll(read, { timeout: 15_000, interval: 50 })

describe('the playground in Chromium', () => {
  const spec = { keys: 1000, length: 20_000, skew: 0.9, seed: 7 }
  // Every policy, OPT (the limit) included: a line on the plot and rows in the table.
  const policies: SimulationPolicyName[] = [...SIMULATION_POLICIES]
  const sizes = [25, 50, 100, 200, 400]

  it('runs a Zipf workload and shows the expected numbers in the table and the plot', async () => {
    await page.goto(`${server!.url}/index.html`)
    await page.selectOption('#source', 'zipf')
    await page.fill('#keys', String(spec.keys))
    await page.fill('#length', String(spec.length))
    await page.fill('#skew', String(spec.skew))
    await page.fill('#seed', String(spec.seed))
    await choosePolicies(policies)
    await page.fill('#sizes', '25,50,100,200,400')
    await runAndWait()

    const trace = zipfTrace(spec)
    expect(await page.locator('#trace-info').innerText()).toBe(
      `Zipf 0.9, 1,000 keys, 20,000 requests, seed 7: 20,000 requests, ${formatCount(new Set(trace).size)} distinct keys`,
    )
    expect(await tableRows(page)).toEqual(expectedRows(trace, policies, sizes))
    expect(await page.locator('#progress-label').innerText()).toBe(
      'Done: 35 runs of 20,000 requests.',
    )

    // The plot: a canvas of non-zero size with something drawn on it, one series per policy.
    const canvas = page.locator('#plot canvas')
    const box = await canvas.boundingBox()
    expect(box?.width).toBeGreaterThan(300)
    expect(box?.height).toBeGreaterThan(200)
    const inked = await canvas.evaluate((node: HTMLCanvasElement) => {
      const { data } = node.getContext('2d')!.getImageData(0, 0, node.width, node.height)
      let count = 0
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) count++
      return count
    })
    expect(inked).toBeGreaterThan(1000)
    expect(await page.getAttribute('#plot', 'data-series')).toBe(policies.join(','))
    expect(await page.locator('#plot .u-legend .u-series').allInnerTexts()).toHaveLength(
      policies.length + 1,
    )
    expect(pageErrors).toEqual([])

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('#download-csv'),
    ])
    expect(download.suggestedFilename()).toBe('cache-simulation.csv')
    const csv = readFileSync(await download.path(), 'utf8')
      .trimEnd()
      .split('\n')
    expect(csv[0]).toBe(
      'policy,size,requests,hits,misses,hit_ratio,evictions,seconds,ops_per_second',
    )
    expect(csv.slice(1).map((line) => line.split(',').slice(0, 4).join(','))).toEqual(
      expectedRows(trace, policies, sizes).map(
        ([policy, size, , hits]) => `${policy},${size},20000,${hits!.replaceAll(',', '')}`,
      ),
    )

    mkdirSync(`${appDir}test-results`, { recursive: true })
    mkdirSync(`${appDir}docs`, { recursive: true })
    await page.screenshot({ path: `${appDir}test-results/playground.png`, fullPage: true })
    // The README's picture is the plot alone: hit ratios are deterministic where the table's
    // ops/s are not, so the committed image only changes when the plot does.
    await page.locator('#plot').screenshot({ path: `${appDir}test-results/plot.png` })
    copyFileSync(`${appDir}test-results/plot.png`, `${appDir}docs/screenshot.png`)
  })

  it('puts the settings in the URL, so a shared link reproduces the result', async () => {
    const shared = page.url()
    expect(new URL(shared).search).toBe(
      '?source=zipf&keys=1000&length=20000&skew=0.9&seed=7&policies=lru%2Clfu%2Cfifo%2Csieve%2Cs3fifo%2Ctinylfu%2Copt&sizes=25%2C50%2C100%2C200%2C400',
    )
    const other = await browser!.newPage()
    try {
      await other.goto(shared)
      // A shared link runs by itself.
      await other.waitForFunction(() =>
        document.getElementById('progress-label')?.textContent.startsWith('Done'),
      )
      expect(await tableRows(other)).toEqual(await tableRows(page))
    } finally {
      await other.close()
    }
  })

  it('can cancel a long run and stays usable', async () => {
    await page.fill('#length', '3000000')
    await page.fill('#keys', '100000')
    await page.click('#run')
    await page.waitForFunction(() =>
      document.getElementById('progress-label')?.textContent.startsWith('Simulating'),
    )
    await page.click('#cancel')
    await page.waitForFunction(
      () => document.getElementById('progress-label')?.textContent === 'Cancelled.',
    )
    expect(await page.isDisabled('#run')).toBe(false)
    await page.fill('#length', '20000')
    await page.fill('#keys', '1000')
    await runAndWait()
    expect(await tableRows(page)).toEqual(expectedRows(zipfTrace(spec), policies, sizes))
  })

  it('loads an ARC trace file, shows its size and distinct keys, and runs it', async () => {
    await page.selectOption('#source', 'file')
    await page.setInputFiles('#trace-file', fixture('small.arc'))
    await page.waitForFunction(() => document.getElementById('trace-info')?.textContent !== '')
    expect(await page.inputValue('#format')).toBe('arc')
    expect(await page.locator('#trace-info').innerText()).toBe(
      'small.arc (arc): 11 requests, 7 distinct keys',
    )
    await page.fill('#sizes', '2,4')
    await runAndWait()
    const { keys } = parseTrace(readFileSync(fixture('small.arc'), 'utf8'), { format: 'arc' })
    expect(await tableRows(page)).toEqual(expectedRows(keys, policies, [2, 4]))
    expect(new URL(page.url()).searchParams.get('file')).toBe('small.arc')
  })

  it('reads a gzipped trace like the plain one, and names a zstd one it cannot read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'playground-'))
    try {
      const gz = join(dir, 'small.arc.gz')
      writeFileSync(gz, gzipSync(readFileSync(fixture('small.arc'))))
      await page.setInputFiles('#trace-file', gz)
      await eventually(() => page.locator('#trace-info').innerText()).toBe(
        'small.arc.gz (arc): 11 requests, 7 distinct keys',
      )
      expect(await page.inputValue('#format')).toBe('arc')
      await page.fill('#sizes', '2,4')
      await runAndWait()
      const { keys } = parseTrace(readFileSync(fixture('small.arc'), 'utf8'), { format: 'arc' })
      expect(await tableRows(page)).toEqual(expectedRows(keys, policies, [2, 4]))
      expect(new URL(page.url()).searchParams.get('file')).toBe('small.arc.gz')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }

    const webZstd = await page.evaluate(() => {
      try {
        new DecompressionStream('zstd' as CompressionFormat)
        return true
      } catch {
        return false
      }
    })
    await page.setInputFiles('#trace-file', fixture('small.arc.zst'))
    if (webZstd) {
      await eventually(() => page.locator('#trace-info').innerText()).toBe(
        'small.arc.zst (arc): 11 requests, 7 distinct keys',
      )
    } else {
      await eventually(errorText).toBe(
        'small.arc.zst is zstd-compressed, which this browser cannot decompress (its ' +
          "DecompressionStream has no 'zstd'; pnpm sim reads zstd on Node.js 22.15 or later); it " +
          'reads plain and gzip traces. Decompress it first: zstd -d small.arc.zst',
      )
    }
    expect(pageErrors).toEqual([])
  })

  it('names a malformed line, an empty file, a 2 GB file and a size of 0, and stays usable', async () => {
    await page.setInputFiles('#trace-file', fixture('malformed.lirs'))
    await eventually(errorText).toBe(
      'line 3: expected a block number (a non-negative integer), got: "three"',
    )
    await page.setInputFiles('#trace-file', fixture('empty.txt'))
    await eventually(errorText).toBe('empty.txt is empty (0 bytes): no requests')

    // A sparse 2 GB file: no disk used, and the page must refuse it before reading a byte.
    const huge = `${mkdtempSync(join(tmpdir(), 'playground-'))}/huge.lirs`
    try {
      execFileSync('truncate', ['-s', '2G', huge])
      await page.setInputFiles('#trace-file', huge)
      await eventually(errorText).toBe(
        'huge.lirs is 2.00 GB, more than the 1.00 GB the playground reads; replay it with the CLI instead: pnpm sim --trace huge.lirs',
      )
    } finally {
      rmSync(dirname(huge), { recursive: true, force: true })
    }

    await page.setInputFiles('#trace-file', fixture('small.lirs'))
    await eventually(() => page.locator('#trace-info').innerText()).toBe(
      'small.lirs (lirs): 9 requests, 4 distinct keys',
    )
    expect(await page.isHidden('#error')).toBe(true)
    await page.fill('#sizes', '0')
    await page.click('#run')
    await eventually(errorText).toBe(
      'a cache size must be a positive integer up to 1073741824, got: "0"',
    )
    expect(await page.getAttribute('#sizes', 'aria-invalid')).toBe('true')

    await page.fill('#sizes', '3')
    await runAndWait()
    const { keys } = parseTrace(readFileSync(fixture('small.lirs'), 'utf8'), { format: 'lirs' })
    expect(await tableRows(page)).toEqual(expectedRows(keys, policies, [3]))
    expect(pageErrors).toEqual([])
  })

  it('shows @cache/decorators at work on the behaviour page', async () => {
    await page.goto(`${server!.url}/behaviour.html`)
    const output = (card: string, name: string) =>
      page.locator(`#${card} [data-output="${name}"]`).innerText()

    await page.fill('#stampede input[name=calls]', '40')
    await page.fill('#stampede input[name=delay]', '100')
    await page.click('#stampede button[type=submit]')
    await eventually(() => output('stampede', 'without-loader-calls')).toBe('40 loader calls')
    expect(await output('stampede', 'with-loader-calls')).toBe('1 loader call')
    expect(await output('stampede', 'with-detail')).toMatch(
      /^40 callers got 1 distinct value\(s\) in \d+ ms; dedup hits: 39$/,
    )

    await page.fill('#negative input[name=calls]', '3')
    await page.click('#negative button[type=submit]')
    await eventually(() => output('negative', 'without-loader-calls')).toBe('3 loader calls')
    expect(await output('negative', 'with-loader-calls')).toBe('1 loader call')
    expect(await page.locator('#negative [data-output=with-log] li').allInnerTexts()).toEqual([
      'loader ran and failed: inventory service answered 503 (load #1)',
      'kept error rethrown: inventory service answered 503 (load #1)',
      'kept error rethrown: inventory service answered 503 (load #1)',
    ])

    await page.fill('#ttl input[name=ttl]', '300')
    await page.fill('#ttl input[name=every]', '100')
    await page.fill('#ttl input[name=seconds]', '1')
    await page.click('#ttl button[type=submit]')
    await eventually(() => page.locator('#ttl button[type=submit]').innerText()).toBe('Start')
    const timeline = page.locator('#ttl [data-output=timeline]')
    expect(Number(await timeline.getAttribute('data-loads'))).toBeGreaterThanOrEqual(2)
    expect(Number(await timeline.getAttribute('data-expirations'))).toBeGreaterThanOrEqual(1)
    expect(Number(await timeline.getAttribute('data-hits'))).toBeGreaterThanOrEqual(3)

    await page.click('#traffic button[type=submit]')
    const hits = page.locator('#traffic dd[data-stat=hits]')
    await eventually(async () =>
      Number((await hits.innerText()).replaceAll(',', '')),
    ).toBeGreaterThan(20)
    await page.click('#traffic button[name=stop]')

    await page.fill('#stampede input[name=calls]', '0')
    await page.click('#stampede button[type=submit]')
    await eventually(() => page.locator('#error').innerText()).toBe(
      'Calls must be an integer from 1 to 10000, got: "0"',
    )
    expect(pageErrors).toEqual([])
    // The source goes down for 1 s of 3: fail-safe keeps answering, without it reads fail.
    await page.fill('#outage input[name=ttl]', '300')
    await page.fill('#outage input[name=seconds]', '3')
    await page.fill('#outage input[name=down]', '1')
    await page.fill('#outage input[name=throttle]', '300')
    await page.click('#outage button[type=submit]')
    await eventually(() => page.locator('#outage button[type=submit]').innerText()).toBe('Start')
    const withFailSafe = page.locator('#outage [data-output=with-timeline]')
    const without = page.locator('#outage [data-output=without-timeline]')
    expect(await withFailSafe.getAttribute('data-errors')).toBe('0')
    expect(Number(await withFailSafe.getAttribute('data-stales'))).toBeGreaterThan(0)
    expect(Number(await without.getAttribute('data-errors'))).toBeGreaterThan(0)
    expect(await page.locator('#outage [data-output=with-summary]').innerText()).toMatch(
      /^0 errors · \d+ source calls$/,
    )
    await page.screenshot({ path: `${appDir}test-results/behaviour.png`, fullPage: true })
  })

  it("offers @cache/core's policies on the behaviour page, tinylfu chosen at first", async () => {
    await page.goto(`${server!.url}/behaviour.html`)
    const select = page.locator('#traffic select[name=policy]')
    expect(await select.locator('option').allInnerTexts()).toEqual([...POLICIES])
    expect(await select.inputValue()).toBe('tinylfu')
    expect(pageErrors).toEqual([])
  })

  it('names a bad setting of the TTL card in the error box, as for the other cards', async () => {
    await page.goto(`${server!.url}/behaviour.html`)
    await page.fill('#ttl input[name=ttl]', '50')
    await page.click('#ttl button[type=submit]')
    await eventually(errorText).toBe('TTL (ms) must be an integer from 100 to 10000, got: "50"')
    expect(await page.locator('#ttl button[type=submit]').innerText()).toBe('Start')
    expect(pageErrors).toEqual([])
  })
})
