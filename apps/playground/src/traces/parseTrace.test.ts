import { describe, expect, it } from 'vitest'

import { MAX_ARC_COUNT, MAX_LINE_LENGTH } from './limits.js'
import { parseTrace } from './parseTrace.js'
import type { TraceParserOptions } from './traceFormat.js'
import { TraceParseError } from './traceParseError.js'
import { createTraceParser } from './traceParser.js'

function parseError(text: string, options: TraceParserOptions): TraceParseError {
  try {
    parseTrace(text, options)
  } catch (error) {
    if (error instanceof TraceParseError) return error
    throw error
  }
  throw new Error('expected a TraceParseError')
}

describe('lines format', () => {
  it('gives each distinct key a dense id by first appearance', () => {
    const trace = parseTrace('a\nb\na\nc\nb\n', { format: 'lines' })
    expect([...trace.keys]).toEqual([0, 1, 0, 2, 1])
    expect(trace.keys).toBeInstanceOf(Int32Array)
    expect(trace).toMatchObject({ requests: 5, distinctKeys: 3, lines: 5, format: 'lines' })
  })

  it('trims keys, skips blank lines and accepts CRLF, a BOM and no final newline', () => {
    const trace = parseTrace('\uFEFF user:1 \r\n\r\nuser:2\r\nuser:1', { format: 'lines' })
    expect([...trace.keys]).toEqual([0, 1, 0])
    expect(trace.lines).toBe(4)
  })
})

describe('lirs format', () => {
  it('reads one block number per line as a number, skipping * and # lines', () => {
    const trace = parseTrace('# header\n5\n7\n*\n5\n9007199254740991\n', { format: 'lirs' })
    expect(trace.keys).toBeInstanceOf(Float64Array)
    expect([...trace.keys]).toEqual([5, 7, 5, 9007199254740991])
    expect(trace.distinctKeys).toBe(3)
  })

  it.each([
    ['12a', 'line 2: expected a block number (a non-negative integer), got: "12a"'],
    ['-4', 'line 2: expected a block number (a non-negative integer), got: "-4"'],
    ['1 2', 'line 2: expected a block number (a non-negative integer), got: "1 2"'],
    ['9007199254740993', 'got: "9007199254740993"'],
  ])('rejects the line %j, naming it', (line, message) => {
    const error = parseError(`1\n${line}\n3\n`, { format: 'lirs' })
    expect(error.code).toBe('ERR_TRACE_SYNTAX')
    expect(error.line).toBe(2)
    expect(error.content).toBe(line)
    expect(error.message).toContain(message)
  })
})

describe('arc format', () => {
  it('expands start_block count into count consecutive blocks', () => {
    const trace = parseTrace('100 3 0 0\n7 1 0 1\n101 2 0 2\n', { format: 'arc' })
    expect([...trace.keys]).toEqual([100, 101, 102, 7, 101, 102])
    expect(trace).toMatchObject({ requests: 6, distinctKeys: 4, lines: 3 })
  })

  it('accepts any whitespace between fields', () => {
    expect([...parseTrace('  4\t2   9 1  \n', { format: 'arc' }).keys]).toEqual([4, 5])
  })

  it.each([
    ['1 2 3', 'line 2: expected 4 fields "start_block count ignored request_no", found 3'],
    ['1 2 3 4 5', 'found 5'],
    ['1 x 0 0', 'line 2: expected four non-negative integers'],
    ['1 0 0 0', 'line 2: count must be from 1 to 1048576, found 0'],
    [`1 ${MAX_ARC_COUNT + 1} 0 0`, 'count must be from 1 to 1048576, found 1048577'],
    ['9007199254740990 5 0 0', 'the last block is past 2^53 - 1'],
  ])('rejects the line %j, naming it', (line, message) => {
    const error = parseError(`0 1 0 0\n${line}\n`, { format: 'arc' })
    expect(error).toMatchObject({ code: 'ERR_TRACE_SYNTAX', line: 2, content: line })
    expect(error.message).toContain(message)
  })
})

describe('csv format', () => {
  it('reads the key from a numbered column, without a header by default', () => {
    const trace = parseTrace('1,alpha,x\n2,beta,y\n3,alpha,z\n', { format: 'csv', csvColumn: 2 })
    expect([...trace.keys]).toEqual([0, 1, 0])
  })

  it('reads the key from a named column of the header', () => {
    const text = 'time,key,size\n1,"a,b",10\n2,c,20\n3," a,b ",30\n'
    const trace = parseTrace(text, { format: 'csv', csvColumn: 'key' })
    expect([...trace.keys]).toEqual([0, 1, 0])
    expect(trace).toMatchObject({ requests: 3, distinctKeys: 2, lines: 4 })
  })

  it('skips a header row of a numbered column when asked', () => {
    const trace = parseTrace('key\nx\ny\n', { format: 'csv', csvColumn: 1, csvHeader: true })
    expect([...trace.keys]).toEqual([0, 1])
  })

  it('names the header columns when the named column is missing', () => {
    const error = parseError('time,user\n1,a\n', { format: 'csv', csvColumn: 'key' })
    expect(error).toMatchObject({ code: 'ERR_TRACE_CSV_COLUMN', line: 1 })
    expect(error.message).toContain(
      'no column named "key" in the header; its columns are "time", "user"',
    )
  })

  it.each([
    ['1', 'line 3: expected at least 2 CSV fields (the key is in column 2), found 1, got: "1"'],
    ['1,', 'line 3: the key (column 2) is empty'],
    ['1,"open', 'line 3: malformed CSV: a quoted field is not closed'],
    ['1,"a"b', 'line 3: malformed CSV: a closing quote must end its field'],
  ])('rejects the row %j, naming its line', (row, message) => {
    const error = parseError(`1,a\n2,b\n${row}\n`, { format: 'csv', csvColumn: 2 })
    expect(error).toMatchObject({ code: 'ERR_TRACE_SYNTAX', line: 3, content: row })
    expect(error.message).toContain(message)
  })

  it('rejects a column that is neither a positive number nor usable as a name', () => {
    expect(() => parseTrace('a\n', { format: 'csv', csvColumn: 0 })).toThrow(
      'the CSV column must be a 1-based number or a header name, got: 0',
    )
    expect(() => parseTrace('a\n', { format: 'csv', csvColumn: 'key', csvHeader: false })).toThrow(
      'the CSV column "key" is a name, which needs a header row',
    )
  })
})

describe('traces without requests', () => {
  it.each<[string, TraceParserOptions, string]>([
    ['', { format: 'lines' }, 'the trace has no requests: the file is empty'],
    ['\n\n  \n', { format: 'lines' }, 'its 3 line(s) are all blank or comments'],
    ['# only a comment\n', { format: 'arc' }, 'its 1 line(s) are all blank or comments'],
    ['key\n', { format: 'csv', csvColumn: 'key' }, 'hold no data rows (only a header'],
  ])('rejects %j with ERR_TRACE_EMPTY', (text, options, message) => {
    const error = parseError(text, options)
    expect(error.code).toBe('ERR_TRACE_EMPTY')
    expect(error.line).toBeUndefined()
    expect(error.message).toContain(message)
  })
})

describe('createTraceParser', () => {
  it('gives the same keys whatever the chunk boundaries', () => {
    const text = '10 2 0 0\r\n20 1 0 1\r\n\r\n30 3 0 2\r\n10 1 0 3'
    const whole = [...parseTrace(text, { format: 'arc' }).keys]
    for (const size of [1, 2, 3, 7]) {
      const keys: number[] = []
      const parser = createTraceParser({ format: 'arc' }, (batch) => keys.push(...batch))
      for (let i = 0; i < text.length; i += size) parser.push(text.slice(i, i + size))
      expect(parser.end().requests).toBe(whole.length)
      expect(keys).toEqual(whole)
    }
  })

  it('hands keys on in batches of the given length, an ARC expansion included', () => {
    const batches: number[][] = []
    const parser = createTraceParser({ format: 'arc' }, (b) => batches.push([...b]), 4)
    parser.push('0 10 0 0\n')
    expect(batches).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ])
    expect(parser.stats).toMatchObject({ requests: 10, lines: 1 })
    parser.end()
    expect(batches.at(-1)).toEqual([8, 9])
  })

  it('counts line numbers across chunks for errors', () => {
    const parser = createTraceParser({ format: 'lirs' }, () => undefined)
    parser.push('1\n2\n3')
    expect(() => {
      parser.push('\nfour\n')
    }).toThrow('line 4: expected a block number')
  })

  it('rejects a line longer than the limit, as binary data would be', () => {
    const parser = createTraceParser({ format: 'lines' }, () => undefined)
    parser.push('a\nb\n')
    expect(() => {
      parser.push('x'.repeat(MAX_LINE_LENGTH + 1))
    }).toThrow(
      /^line 3: longer than 65536 characters without a line break; is this a lines trace\?, got: "x{77}\.\.\."$/,
    )
  })
})
