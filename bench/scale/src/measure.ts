/** Throughput and create-to-complete latency of one measurement. */
export interface Measurement {
  perSecond: number
  p50Ms: number
  p99Ms: number
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0
}

/**
 * Runs `count` jobs with `inFlight` of them outstanding at a time (each one is created, then waited
 * for to complete); the latency of one is from the start of its create to its completion.
 */
export async function measure(count: number, inFlight: number, job: () => Promise<void>): Promise<Measurement> {
  const latencies: number[] = []
  let next = 0
  const started = performance.now()
  const loop = async (): Promise<void> => {
    while (next < count) {
      next++
      const begun = performance.now()
      await job()
      latencies.push(performance.now() - begun)
    }
  }
  await Promise.all(Array.from({ length: inFlight }, loop))
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  return { perSecond: count / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) }
}
