// An error as one line of text, for a log line that must not flood: message and causes, no stack.

const MAX_DEPTH = 5

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  let text = error.message
  // A connection refused on every address is an AggregateError without a message.
  if (text === '' && error instanceof AggregateError && error.errors.length > 0) {
    text = messageOf(error.errors[0])
  }
  return text === '' ? error.name : text
}

/**
 * `error` as one line: its message, then each cause's message that it does not already include
 * (`Lost the connection: connect ECONNREFUSED 127.0.0.1:6379`), whitespace runs and line breaks
 * as one space, cut at `maxLength` characters. Never throws, whatever `error` is (a throwing
 * getter or a revoked Proxy reads as a placeholder).
 */
export function errorLine(error: unknown, maxLength = 300): string {
  let text: string
  try {
    text = messageOf(error)
    let cause = error instanceof Error ? error.cause : undefined
    for (let depth = 0; cause !== undefined && depth < MAX_DEPTH; depth++) {
      const next = messageOf(cause)
      if (next !== '' && !text.includes(next)) text = `${text}: ${next}`
      cause = cause instanceof Error ? cause.cause : undefined
    }
  } catch {
    text = '(an error that cannot be read)'
  }
  text = text.replace(/\s+/g, ' ').trim()
  return text.length > maxLength ? `${text.slice(0, maxLength - 3)}...` : text
}

/**
 * Where `error` was thrown: the first `at …` line of the stack of its innermost cause (the
 * user's code, when the library wrapped what it threw), or `undefined`. Never throws.
 */
export function errorOrigin(error: unknown): string | undefined {
  try {
    let inner: unknown = error
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      if (!(inner instanceof Error) || !(inner.cause instanceof Error)) break
      inner = inner.cause
    }
    if (!(inner instanceof Error) || typeof inner.stack !== 'string') return undefined
    const frame = inner.stack.split('\n').find((line) => line.trimStart().startsWith('at '))
    return frame?.trim()
  } catch {
    return undefined
  }
}
