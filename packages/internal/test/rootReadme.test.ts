// The root README's package table lists every published package (issue 14: it once listed four of
// six). Lives here because this private package is the repository's own, not a published one's.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../../', import.meta.url))

function publishedPackages(): string[] {
  return readdirSync(join(root, 'packages'))
    .map(
      (dir) =>
        JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as {
          name: string
          private?: boolean
        },
    )
    .filter((pkg) => pkg.private !== true)
    .map((pkg) => pkg.name)
    .sort()
}

describe('the root README', () => {
  it('lists every published package in its table, with a link to its folder', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const listed = [...readme.matchAll(/^\| \[`(@cache\/[a-z-]+)`\]\(packages\/([a-z-]+)\)/gm)]
    expect(listed.every(([, name, dir]) => name === `@cache/${dir!}`)).toBe(true)
    expect(listed.map(([, name]) => name).sort()).toEqual(publishedPackages())
    expect(publishedPackages().length).toBeGreaterThanOrEqual(6)
  })
})
