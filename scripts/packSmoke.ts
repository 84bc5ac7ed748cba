// Installs packed tarballs of workspace packages into an empty temporary project with npm, as a
// user would, then imports them from ESM and CJS and type-checks both: the "install only this
// package" test that every package runs against its built `dist`.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
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
}

/** What a smoke test saw: the `@cache/` packages installed and each script's output. */
export interface PackSmokeResult {
  installed: string[]
  esmOutput: string
  cjsOutput: string
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
    execFileSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...tarballs],
      { cwd: dir, encoding: 'utf8', stdio: 'pipe' },
    )
    writeFileSync(join(dir, 'esm.mjs'), options.esm)
    writeFileSync(join(dir, 'cjs.cjs'), options.cjs)
    writeFileSync(join(dir, 'types.mts'), options.ts)
    writeFileSync(join(dir, 'types.cts'), options.ts)
    const esmOutput = execFileSync('node', ['esm.mjs'], { cwd: dir, encoding: 'utf8' })
    const cjsOutput = execFileSync('node', ['cjs.cjs'], { cwd: dir, encoding: 'utf8' })
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
      { cwd: dir, encoding: 'utf8', stdio: 'pipe' },
    )
    const installed = readdirSync(join(dir, 'node_modules', '@cache')).sort()
    return { installed, esmOutput, cjsOutput }
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string }
    throw new Error(`${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`, { cause: error })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
