/** At most this many attempts per event. */
export const MAX_ATTEMPTS = 5
/** No attempt starts later than this after the event. */
export const DELIVERY_WINDOW_MS = 24 * 60 * 60 * 1000
/** An attempt succeeds only with a 2xx within this time. */
export const ATTEMPT_TIMEOUT_MS = 30_000

const FIRST_DELAY_MS = 60_000
const FACTOR = 8

/**
 * Delay before attempt `attempts + 1` after `attempts` failures: 1 min, 8 min, 64 min, 512 min,
 * each scaled by a random factor in [0.75, 1.25) so receivers that failed together do not get
 * retried together. The last attempt starts at most about 12.2 hours after the first.
 */
export function retryDelay(attempts: number, random: () => number = Math.random): number {
  const nominal = FIRST_DELAY_MS * FACTOR ** (attempts - 1)
  return Math.round(nominal * (0.75 + random() * 0.5))
}
