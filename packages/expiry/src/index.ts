export {
  compileExpiry,
  type CachedItem,
  type ExpiryFunction,
  type ExpiryOptions,
  type ExpiryResolver,
  type ExpirySpec,
  type StaticExpirySpec,
} from './compileExpiry.js'
export { compilePointer, type DataPointer, type PointerMatch } from './compilePointer.js'
export { ExpiryParseError, type ExpiryParseKind } from './expiryParseError.js'
export { formatDuration, type FormatDurationOptions } from './formatDuration.js'
export { parseDate, type DateInput, type DateParts } from './parseDate.js'
export { parseDateTime, type DateTimeInput } from './parseDateTime.js'
export { parseDuration, type Duration, type DurationInput } from './parseDuration.js'
export { parseTime, type TimeInput, type TimeOfDay } from './parseTime.js'
export { resolveExpiry } from './resolveExpiry.js'
