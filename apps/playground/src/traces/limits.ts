// Limits that keep a trace from exhausting memory or time, each stated where it is enforced.
import { TraceParseError } from './traceParseError.js'

/**
 * The largest file the browser playground reads. Parsing streams, so memory is not the reason:
 * a larger trace takes minutes per run in a tab, which is the CLI's job (`pnpm sim`).
 */
export const MAX_UPLOAD_BYTES = 1024 ** 3

/** The longest line accepted: longer means a binary file or a file without line breaks. */
export const MAX_LINE_LENGTH = 64 * 1024

/**
 * The most distinct keys a trace may have. V8's `Map` and `Set` hold at most 2^24 entries; the
 * simulated caches and the distinct-key count both use them.
 */
export const MAX_DISTINCT_KEYS = 16_000_000

/** The largest `count` of one ARC line (real ARC traces stay in the hundreds). */
export const MAX_ARC_COUNT = 1_048_576

/** Formats a byte count for messages: `2.00 GB`, `512 KB`. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(2)} ${units[unit]!}`
}

/**
 * Rejects, before reading a byte, a file the browser playground will not read: an empty one, or
 * one over {@link MAX_UPLOAD_BYTES}.
 * @throws {TraceParseError} `ERR_TRACE_EMPTY` or `ERR_TRACE_TOO_LARGE`, naming the file and size.
 */
export function checkUploadSize(file: { readonly name: string; readonly size: number }): void {
  if (file.size === 0) {
    throw new TraceParseError('ERR_TRACE_EMPTY', `${file.name} is empty (0 bytes): no requests`, {
      file: file.name,
    })
  }
  if (file.size > MAX_UPLOAD_BYTES) {
    throw new TraceParseError(
      'ERR_TRACE_TOO_LARGE',
      `${file.name} is ${formatBytes(file.size)}, more than the ` +
        `${formatBytes(MAX_UPLOAD_BYTES)} the playground reads; replay it with the CLI instead: ` +
        `pnpm sim --trace ${file.name}`,
      { file: file.name },
    )
  }
}
