/**
 * Milliseconds from `since` to `now`, as a small integer when it is one. Epoch times are doubles in
 * V8 and so is their difference: stored as is, it makes the field a boxed number in every object of
 * that shape (each trace step, each stored copy of it), one more object per step for the garbage
 * collector to trace for as long as the task is retained.
 */
export function elapsed(now: number, since: number): number {
  const ms = now - since
  return ms === (ms | 0) ? ms | 0 : ms
}
