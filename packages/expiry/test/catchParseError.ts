// Test helper: runs a function that must throw ExpiryParseError and returns the error.
import { ExpiryParseError } from '../src/expiryParseError.js'

/** The ExpiryParseError `fn` throws; fails the test when it throws nothing or something else. */
export function catchParseError(fn: () => unknown): ExpiryParseError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ExpiryParseError) return error
    throw new Error(`expected an ExpiryParseError, got: ${String(error)}`, { cause: error })
  }
  throw new Error('expected an ExpiryParseError, but nothing was thrown')
}

/** The ExpiryParseError `promise` rejects with. */
export async function rejectedParseError(promise: unknown): Promise<ExpiryParseError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ExpiryParseError) return error
    throw new Error(`expected an ExpiryParseError, got: ${String(error)}`, { cause: error })
  }
  throw new Error('expected a rejection with ExpiryParseError, but the promise resolved')
}
