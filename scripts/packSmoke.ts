// Installs packed tarballs of workspace packages into an empty temporary project with npm, as a
// user would, then imports them from ESM and CJS and type-checks both: the "install only this
// package" test that every package runs against its built `dist`.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const pnpm = ['-y', 'pnpm@10.34.8']

/** What a smoke test installs and runs. */
export interface PackSmokeOptions {
  /** Workspace package folder names to pack and install, e.g. `['keys', 'batch']`. */
  packages: readonly string[]
  /** ESM source run with node as `esm.mjs`; it should throw on a wrong result. */
  esm: string
  /** CJS source run with node as `cjs.cjs`. */
  cjs: string
  /** TypeScript source type-checked as ESM (`.mts`) and as CJS (`.cts`) with `module: node16`. */
  ts: string
  /**
   * Then, in the same project: adds these package folders to its node_modules (copied, under the
   * name in their package.json: a dependency-free peer from the workspace's own node_modules,
   * say, so that the test needs no registry) and runs these sources the same way.
   */
  then?: { install: readonly string[]; esm: string; cjs: string; ts: string }
}

/** What a smoke test saw: the `@cache/` packages installed and each script's output. */
export interface PackSmokeResult {
  installed: string[]
  esmOutput: string
  cjsOutput: string
  /** The outputs of the `then` stage's scripts, when there is one. */
  then?: { esmOutput: string; cjsOutput: string }
}

/** Packs, installs and runs; throws with the failing command's output. */
export function packSmoke(options: PackSmokeOptions): PackSmokeResult {
  const dir = mkdtempSync(join(tmpdir(), 'cache-pack-'))
  try {
    const tarballs = options.packages.map((name) => {
      const out = execFileSync('npx', [...pnpm, 'pack', '--pack-destination', dir], {
        cwd: join(root, 'packages', name),
        encoding: 'utf8',
      })
      const file = out.trim().split('\n').pop()!.trim()
      return resolve(dir, file)
    })
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'smoke', private: true }))
    npmInstall(dir, tarballs)
    const first = runScripts(dir, options)
    const installed = readdirSync(join(dir, 'node_modules', '@cache')).sort()
    const then = options.then
    if (then === undefined) return { installed, ...first }
    for (const folder of then.install) {
      const { name } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
        name: string
      }
      cpSync(folder, join(dir, 'node_modules', name), { recursive: true, dereference: true })
    }
    return { installed, ...first, then: runScripts(dir, then) }
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string }
    throw new Error(`${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`, { cause: error })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function npmInstall(dir: string, what: readonly string[]): void {
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...what],
    { cwd: dir, encoding: 'utf8', stdio: 'pipe' },
  )
}

/** Runs `esm` and `cjs` with node in `dir` and type-checks `ts` as ESM and CJS. */
function runScripts(
  dir: string,
  scripts: { esm: string; cjs: string; ts: string },
): { esmOutput: string; cjsOutput: string } {
  writeFileSync(join(dir, 'esm.mjs'), scripts.esm)
  writeFileSync(join(dir, 'cjs.cjs'), scripts.cjs)
  writeFileSync(join(dir, 'types.mts'), scripts.ts)
  writeFileSync(join(dir, 'types.cts'), scripts.ts)
  // Without NODE_PATH, which pnpm's bin shims point at the workspace's hoisted packages: the
  // project must find what it installed, and only that.
  const { NODE_PATH: _, ...env } = process.env
  const esmOutput = execFileSync('node', ['esm.mjs'], { cwd: dir, encoding: 'utf8', env })
  const cjsOutput = execFileSync('node', ['cjs.cjs'], { cwd: dir, encoding: 'utf8', env })
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  execFileSync(
    'node',
    [
      tsc,
      '--noEmit',
      '--strict',
      '--module',
      'node16',
      '--moduleResolution',
      'node16',
      '--target',
      'es2022',
      '--skipLibCheck',
      'false',
      'types.mts',
      'types.cts',
    ],
    { cwd: dir, encoding: 'utf8', stdio: 'pipe', env },
  )
  return { esmOutput, cjsOutput }
}
