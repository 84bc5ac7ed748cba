// Runs once before any test worker starts: installs redis-server when it is missing (apt-get,
// idempotent), so that parallel workers never race to install it. Each test file then starts
// its own private server (see redisServer.ts).
import { ensureRedisServer } from './redisServer.js'

export default function setup(): void {
  ensureRedisServer()
}
