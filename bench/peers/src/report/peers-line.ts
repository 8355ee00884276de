import type { LibrarySummary } from './summary.js'

export interface PeersVerdict {
  inboardUs: number
  cheapest: LibrarySummary
  cheapestUs: number
  /** Cheapest peer's sequential CPU time per task over Inboard's. */
  ratio: number
  /** Inboard with the model planner on the peers' fake model, when it was measured. */
  model: { inboardUs: number; ratio: number } | undefined
}

/**
 * Compares Inboard with the peer whose sequential per-task cost is lowest, once with the scripted
 * planner and once with the model planner. Cost is CPU time per task: on a shared two-core machine
 * wall time also measures whoever else is running.
 */
export function judge(
  inboard: LibrarySummary,
  inboardModel: LibrarySummary | undefined,
  peers: readonly LibrarySummary[],
): PeersVerdict | undefined {
  const [cheapest] = [...peers].sort((a, b) => a.modes.sequential.cpuPerTaskUs - b.modes.sequential.cpuPerTaskUs)
  if (cheapest === undefined) return undefined
  const inboardUs = inboard.modes.sequential.cpuPerTaskUs
  const cheapestUs = cheapest.modes.sequential.cpuPerTaskUs
  const modelUs = inboardModel?.modes.sequential.cpuPerTaskUs
  return {
    inboardUs,
    cheapest,
    cheapestUs,
    ratio: cheapestUs / inboardUs,
    model: modelUs === undefined ? undefined : { inboardUs: modelUs, ratio: cheapestUs / modelUs },
  }
}

export function peersLine(verdict: PeersVerdict): string {
  const { inboardUs, cheapest, cheapestUs, ratio, model } = verdict
  const line = `PEERS inboard_us=${inboardUs.toFixed(1)} cheapest_peer=${cheapest.library.id} cheapest_us=${cheapestUs.toFixed(1)} ratio=${ratio.toFixed(1)}`
  return model === undefined
    ? line
    : `${line} inboard_model_us=${model.inboardUs.toFixed(1)} model_ratio=${model.ratio.toFixed(1)}`
}
