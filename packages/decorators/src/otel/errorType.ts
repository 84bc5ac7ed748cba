// `error.type` as OpenTelemetry's conventions define it, shared by every metric and span here.

/** The error's class name (`TypeError`, `CacheTimeoutError`), or `_OTHER` for a non-Error. */
export function errorType(error: unknown): string {
  if (error instanceof Error) return error.name
  return '_OTHER'
}
