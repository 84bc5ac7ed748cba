import ts from 'typescript'
import { defineProject, mergeConfig, type Plugin, type ViteUserConfig } from 'vitest/config'

import { sharedConfig } from '../../vitest.shared.js'

// Vite's transformer (oxc) does not lower TC39 standard decorators, which Node 20 cannot parse.
// Test files that use `@` decorators are compiled by TypeScript first, as a user's build would.
const standardDecorators: Plugin = {
  name: 'tc39-decorators',
  enforce: 'pre',
  transform(code, id) {
    if (!id.endsWith('.test.ts') || !/^\s*@\w/m.test(code)) return undefined
    const output = ts.transpileModule(code, {
      fileName: id,
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        sourceMap: true,
        inlineSources: true,
      },
    })
    return { code: output.outputText, map: output.sourceMapText ?? null }
  },
}

const config: ViteUserConfig = mergeConfig(
  sharedConfig,
  defineProject({ plugins: [standardDecorators], test: { name: '@cache/decorators' } }),
)

export default config
