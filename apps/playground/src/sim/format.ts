// Number formats shared by the results table, the plot's legend and the CLI's table, and the
// one-line trace summary the page and the CLI show above results.

/** `0.4231` → `42.31%`. */
export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`
}

/** `1234567` → `1,234,567`. */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US')
}

/** Operations per second, three significant digits: `12.3M`, `845k`. */
export function formatRate(perSecond: number): string {
  if (perSecond >= 1e9) return `${(perSecond / 1e9).toPrecision(3)}G`
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toPrecision(3)}M`
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toPrecision(3)}k`
  return perSecond.toFixed(0)
}

/** `small.arc (arc): 11 requests, 7 distinct keys`: a trace's name and size. */
export function formatTraceSummary(
  name: string,
  trace: { readonly requests: number; readonly distinctKeys: number },
): string {
  const { requests, distinctKeys } = trace
  return `${name}: ${formatCount(requests)} requests, ${formatCount(distinctKeys)} distinct keys`
}
