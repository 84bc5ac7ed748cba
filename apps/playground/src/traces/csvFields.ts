// Splits one CSV line into fields (RFC 4180 quoting within a line).

/** Why {@link splitCsvLine} gave up on a line. */
export class CsvSyntaxError extends Error {
  /** @param message - what is wrong with the line. */
  constructor(message: string) {
    super(message)
    this.name = 'CsvSyntaxError'
  }
}

/**
 * The comma-separated fields of `line`. A field may be quoted (`"a,b"`), with `""` for a quote
 * inside it. A record spanning lines (a line break inside quotes) is not supported: a trace's
 * key never contains one, and rejecting it keeps parsing line by line.
 * @throws {CsvSyntaxError} for an unclosed quote or text after a closing quote.
 */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = []
  let position = 0
  for (;;) {
    if (line.charCodeAt(position) === 34 /* " */) {
      let value = ''
      let from = position + 1
      for (;;) {
        const quote = line.indexOf('"', from)
        if (quote === -1) throw new CsvSyntaxError('a quoted field is not closed')
        value += line.slice(from, quote)
        if (line.charCodeAt(quote + 1) === 34) {
          value += '"'
          from = quote + 2
        } else {
          position = quote + 1
          break
        }
      }
      fields.push(value)
      if (position === line.length) return fields
      if (line.charCodeAt(position) !== 44 /* , */) {
        throw new CsvSyntaxError('a closing quote must end its field')
      }
      position++
    } else {
      const comma = line.indexOf(',', position)
      if (comma === -1) {
        fields.push(line.slice(position))
        return fields
      }
      fields.push(line.slice(position, comma))
      position = comma + 1
    }
  }
}
