// A one-line progress bar redrawn in place on a terminal stream (stderr), throttled.

/** The part of a stream the bar writes to. */
export interface ProgressStream {
  write(text: string): unknown
}

/** A progress bar made by {@link createProgressBar}. */
export interface ProgressBar {
  /** Shows `fraction` (0 to 1) done; redraws at most every `interval` ms. */
  update(fraction: number): void
  /** Erases the bar. */
  done(): void
}

/**
 * Creates a bar such as `replaying small.arc [#########-----------] 45%`.
 * @param interval - least time between two redraws, in ms.
 */
export function createProgressBar(
  stream: ProgressStream,
  label: string,
  interval = 100,
  now: () => number = () => performance.now(),
): ProgressBar {
  const width = 30
  let last = -Infinity
  let drawn = ''
  return {
    update(fraction) {
      const time = now()
      if (time - last < interval && fraction < 1) return
      last = time
      const clamped = Math.min(1, Math.max(0, fraction))
      const filled = Math.round(clamped * width)
      drawn = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(clamped * 100)}%`
      stream.write(`\r${drawn}`)
    },
    done() {
      if (drawn !== '') stream.write(`\r${' '.repeat(drawn.length)}\r`)
      drawn = ''
    },
  }
}
