import { describe, expect, it } from 'vitest'

import { inferTraceFormat, isTraceFormat } from './traceFormat.js'

describe('inferTraceFormat', () => {
  it.each([
    ['OLTP.arc', 'arc'],
    ['ps.trc', 'lirs'],
    ['multi1.LIRS', 'lirs'],
    ['requests.csv', 'csv'],
    ['keys.txt', 'lines'],
    ['noextension', 'lines'],
    ['OLTP.arc.gz', 'arc'],
    ['requests.csv.zst', 'csv'],
    ['ps.trc.ZSTD', 'lirs'],
    ['keys.gz', 'lines'],
  ])('%s → %s', (name, format) => {
    expect(inferTraceFormat(name)).toBe(format)
  })

  it('recognises format names', () => {
    expect(isTraceFormat('arc')).toBe(true)
    expect(isTraceFormat('json')).toBe(false)
  })
})
