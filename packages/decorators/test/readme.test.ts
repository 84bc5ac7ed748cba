// The docs test: every ```ts block of the README is written to a temporary project and
// type-checked with tsc against this package's sources, so the examples cannot rot.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import { describe, expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const pkg = resolve(here, '..')
const root = resolve(pkg, '../..')

/** What the examples use without defining: declared once, for every block. */
const PRELUDE = `interface User {
  id: number
  name: string
}
declare function fetchUser(id: number, options?: { signal?: AbortSignal }): Promise<User>
declare function fetchUsers(ids: readonly number[]): Promise<User[]>
declare function loadConfig(): Promise<{ debug: boolean }>
declare function fetchToken(): Promise<{ expiresAt: string; refresh?: { at: string } }>
declare function isStale(user: User): Promise<boolean>
declare function runSearch(
  client: object,
  query: string,
  trace: string,
  options: { requestId: string },
): Promise<string[]>
declare function fetchPrices(): Promise<number[]>
declare function fetchStatus(region: string): Promise<string>
declare class DatabaseClient {
  close(): Promise<void>
}
declare class HttpClient {
  close(): void
}
declare const logger: { warn(data: object): void }
declare const hits: { inc(): void }
declare const evictions: { inc(): void }
declare const loadSeconds: { observe(value: number): void }
declare const getUser: import('@cache/decorators').CachedFunction<typeof fetchUser>
`

const IMPORTS =
  "import { AsyncCache, cached, methodCache, SINGLE_KEY, type CachedFunction } from '@cache/decorators'\n"

/** The ```ts blocks of a markdown text. */
export function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]!)
}

describe('the README', () => {
  it('has examples that type-check against the package', () => {
    const blocks = tsBlocks(readFileSync(join(pkg, 'README.md'), 'utf8'))
    expect(blocks.length).toBeGreaterThanOrEqual(15)
    const dir = mkdtempSync(join(tmpdir(), 'decorators-readme-'))
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }))
      writeFileSync(join(dir, 'prelude.d.ts'), PRELUDE)
      blocks.forEach((block, i) => {
        const imports = block.includes("from '@cache/decorators'") ? '' : IMPORTS
        writeFileSync(join(dir, `block${i}.ts`), `${imports}${block}\nexport {}\n`)
      })
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            lib: ['ES2023'],
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            customConditions: ['@cache/source'],
            strict: true,
            noUncheckedIndexedAccess: true,
            exactOptionalPropertyTypes: true,
            noEmit: true,
            skipLibCheck: true,
            types: ['node'],
            typeRoots: [join(root, 'node_modules', '@types')],
            paths: {
              '@cache/decorators': [join(pkg, 'src', 'index.ts')],
              '@cache/decorators/testing': [join(pkg, 'src', 'testing', 'index.ts')],
              '@cache/decorators/otel': [join(pkg, 'src', 'otel', 'index.ts')],
            },
          },
          include: ['*.ts'],
        }),
      )
      let output = ''
      try {
        execFileSync(
          process.execPath,
          [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
          { cwd: dir, encoding: 'utf8', stdio: 'pipe' },
        )
      } catch (error) {
        const e = error as { stdout?: string; stderr?: string }
        output = `${e.stdout ?? ''}${e.stderr ?? ''}`
      }
      expect(output).toBe('')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
