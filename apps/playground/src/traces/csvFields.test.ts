import { describe, expect, it } from 'vitest'

import { CsvSyntaxError, splitCsvLine } from './csvFields.js'

describe('splitCsvLine', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['', ['']],
    ['a,,c,', ['a', '', 'c', '']],
    ['"a,b",c', ['a,b', 'c']],
    ['"say ""hi""",x', ['say "hi"', 'x']],
    ['x,""', ['x', '']],
  ])('splits %j', (line, fields) => {
    expect(splitCsvLine(line)).toEqual(fields)
  })

  it.each([['"open'], ['a,"b"c'], ['"a" ,b']])('rejects %j', (line) => {
    expect(() => splitCsvLine(line)).toThrow(CsvSyntaxError)
  })
})
