import { describe, expect, it } from 'vitest'

import { createProgressBar } from './progressBar.js'

describe('createProgressBar', () => {
  it('redraws in place, throttled, always drawing completion, and erases itself', () => {
    let time = 0
    const written: string[] = []
    const bar = createProgressBar({ write: (text) => written.push(text) }, 'test', 100, () => time)
    bar.update(0.25)
    time = 50
    bar.update(0.5) // throttled
    time = 150
    bar.update(0.5)
    bar.update(1)
    bar.done()
    expect(written).toEqual([
      `\rtest [${'#'.repeat(8)}${'-'.repeat(22)}] 25%`,
      `\rtest [${'#'.repeat(15)}${'-'.repeat(15)}] 50%`,
      `\rtest [${'#'.repeat(30)}] 100%`,
      `\r${' '.repeat(42)}\r`,
    ])
  })
})
