// `pnpm sim`: the playground's simulator on the command line. See `pnpm sim --help`.
import { runCli } from './runCli.js'

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // `pnpm --filter playground sim` (the root's `pnpm sim`) runs in apps/playground; INIT_CWD is
  // where the user typed the command, which relative --trace paths are relative to.
  cwd: process.env.INIT_CWD ?? process.cwd(),
})
