import { describe, expect, it } from 'vitest'

import { SimClient } from './simClient.js'

// Stands in for a Web Worker: records messages, and can crash like one.
class FakeWorker extends EventTarget {
  readonly sent: unknown[] = []
  terminated = false
  postMessage(message: unknown): void {
    this.sent.push(message)
  }
  terminate(): void {
    this.terminated = true
  }
  crash(): void {
    this.dispatchEvent(Object.assign(new Event('error'), { message: 'out of memory' }))
  }
}

describe('SimClient', () => {
  it('re-creates a crashed worker, fails the request in flight and counts the restart', async () => {
    const workers: FakeWorker[] = []
    const client = new SimClient(() => {
      const worker = new FakeWorker()
      workers.push(worker)
      return worker as unknown as Worker
    })
    expect(client.restarts).toBe(0)
    const running = client.run(['lru'], [100], () => undefined)
    workers[0]!.crash()
    await expect(running).rejects.toThrow('out of memory; load the trace again')
    expect([workers.length, workers[0]!.terminated, client.restarts]).toEqual([2, true, 1])
  })
})
