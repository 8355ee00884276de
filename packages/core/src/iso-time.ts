let lastMs = Number.NaN
let lastIso = ''

/**
 * Epoch milliseconds as an ISO-8601 UTC string. Resources are serialised often and many share a
 * millisecond, so the last conversion is remembered: formatting dates was a visible share of the
 * per-task cost.
 */
export function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms
    lastIso = new Date(ms).toISOString()
  }
  return lastIso
}
