// A private Redis server for the tests and the benchmark: Debian's `redis-server`, installed
// with apt-get when missing, run on a free loopback port with no persistence, stopped (and
// restarted on the same port) or paused (SIGSTOP) on demand. No mocks: every integration test
// talks to this.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { connect, createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

const HOST = '127.0.0.1'
const START_TIMEOUT_MS = 5_000
const STOP_TIMEOUT_MS = 3_000

function hasRedisServer(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const APT_INSTALL = fileURLToPath(new URL('../../../scripts/apt-install.sh', import.meta.url))

/**
 * Makes sure `redis-server` is installed: does nothing when it is, else runs
 * `apt-get update && apt-get install -y redis-server` (as root) through the repository's
 * `scripts/apt-install.sh`, which waits for another test's apt-get instead of failing on its
 * lock. Throws with a clear message when that fails, so the test run stops instead of skipping.
 */
export function ensureRedisServer(): void {
  if (hasRedisServer()) return
  try {
    execFileSync('sh', [APT_INSTALL, 'redis-server', 'redis-server'], {
      stdio: 'pipe',
      timeout: 600_000,
    })
  } catch (error) {
    const e = error as { stderr?: Buffer | string; message: string }
    throw new Error(
      `The @cache/redis tests need redis-server, which is not installed, and installing it failed ` +
        `(apt-get install -y redis-server, as root). Install it and run the tests again.\n${e.message}\n${String(e.stderr ?? '')}`,
      { cause: error },
    )
  }
  if (!hasRedisServer()) {
    throw new Error(
      'apt-get installed redis-server, but `command -v redis-server` still finds nothing',
    )
  }
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, HOST, () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => {
        resolve(port)
      })
    })
  })
}

/** Whether a Redis server on `port` answers PING within `ms`. */
export function ping(port: number, ms = 200): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port })
    let reply = ''
    const done = (ok: boolean): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => {
      done(false)
    }, ms)
    socket.once('error', () => {
      done(false)
    })
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.on('data', (data) => {
      reply += data.toString()
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'))
    })
  })
}

/**
 * A private redis-server: `stop()` and `start()` it mid-test (the port stays the same), or
 * `pause()` and `resume()` it to make it hang with its connections open.
 */
export interface RedisServer {
  readonly port: number
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  /** Whether the process is running (a paused process is running). */
  readonly running: boolean
  /** Whether the process is paused (`pause()` was called and `resume()` was not yet). */
  readonly paused: boolean
  /** Starts the server (again) and resolves once it answers PING. */
  start(): Promise<void>
  /** Stops the server (SIGKILL: a crash, or SIGTERM) and resolves once the process has exited. */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>
  /**
   * Freezes the process (SIGSTOP): its sockets stay open, so clients see a server that accepts
   * commands and never answers, until `resume()`. Throws when the server is not running.
   */
  pause(): void
  /** Lets a paused process go on (SIGCONT): it then answers what it was sent meanwhile. */
  resume(): void
}

/** How {@link startRedisServer} runs the server besides its defaults. */
export interface RedisServerOptions {
  /** More `redis-server` arguments, e.g. `['--cluster-enabled', 'yes']`. */
  readonly args?: readonly string[]
  /** The server's working directory (where a cluster node keeps its `nodes.conf`). */
  readonly dir?: string
}

/**
 * Starts a private redis-server on a free loopback port (or `port`): no persistence, no
 * daemon, bound to 127.0.0.1 only. Stop it in teardown, whatever happened.
 */
export async function startRedisServer(
  port?: number,
  options: RedisServerOptions = {},
): Promise<RedisServer> {
  ensureRedisServer()
  const serverPort = port ?? (await freePort())
  let child: ChildProcess | undefined
  let paused = false
  let output = ''

  const start = async (): Promise<void> => {
    if (child !== undefined) return
    output = ''
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(serverPort),
        '--bind',
        HOST,
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--protected-mode',
        'yes',
        '--loglevel',
        'warning',
        ...(options.args ?? []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.dir },
    )
    proc.stdout.on('data', (data: Buffer) => {
      output += data.toString()
    })
    proc.stderr.on('data', (data: Buffer) => {
      output += data.toString()
    })
    child = proc
    // Should the test process die without its teardown, the server goes with it.
    const orphan = (): void => {
      proc.kill('SIGKILL')
    }
    process.once('exit', orphan)
    proc.once('exit', () => {
      process.off('exit', orphan)
      if (child === proc) {
        child = undefined
        paused = false
      }
    })
    const deadline = Date.now() + START_TIMEOUT_MS
    while (Date.now() < deadline) {
      if (child !== proc) break
      if (await ping(serverPort)) return
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await stop('SIGKILL')
    throw new Error(
      `redis-server did not answer PING on port ${serverPort} in ${START_TIMEOUT_MS} ms:\n${output}`,
    )
  }

  const stop = async (signal: 'SIGKILL' | 'SIGTERM' = 'SIGTERM'): Promise<void> => {
    const proc = child
    if (proc === undefined) return
    const exited = new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) resolve()
      else
        proc.once('exit', () => {
          resolve()
        })
    })
    // A stopped process acts on SIGTERM only once continued (SIGKILL needs no help).
    if (paused) resume()
    proc.kill(signal)
    const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS)
    await exited
    clearTimeout(timer)
    if (child === proc) child = undefined
  }

  const pause = (): void => {
    if (child === undefined) throw new Error(`redis-server on port ${serverPort} is not running`)
    child.kill('SIGSTOP')
    paused = true
  }

  const resume = (): void => {
    if (child === undefined || !paused) return
    child.kill('SIGCONT')
    paused = false
  }

  await start()
  return {
    port: serverPort,
    url: `redis://${HOST}:${serverPort}`,
    get running() {
      return child !== undefined
    },
    get paused() {
      return paused
    },
    start,
    stop,
    pause,
    resume,
  }
}
