import { InboardError, type Runtime, type TaskScope } from '@inboard/core'

/** Verdicts kept; past this the oldest are forgotten (and looked up again if needed). */
const MAX_VERDICTS = 100_000

/**
 * Whether a task belongs to a scope (account and environment), asked of the runtime once per task
 * and scope and then remembered: runtime events do not carry the task's account, and streams must
 * show a key only its own tasks.
 */
export class EventAccess {
  readonly #runtime: Runtime
  readonly #verdicts = new Map<string, boolean>()

  constructor(runtime: Runtime) {
    this.#runtime = runtime
  }

  /** The remembered verdict, or undefined when it has to be looked up with {@link owns}. */
  known(taskId: string, scope: string): boolean | undefined {
    return this.#verdicts.get(`${scope}\u0000${taskId}`)
  }

  /** Marks a task as the scope's without a lookup (the stream already read it through the scope). */
  grant(taskId: string, scope: string): void {
    this.#remember(`${scope}\u0000${taskId}`, true)
  }

  async owns(taskId: string, scope: string): Promise<boolean> {
    const key = `${scope}\u0000${taskId}`
    const known = this.#verdicts.get(key)
    if (known !== undefined) return known
    let verdict: boolean
    try {
      // Promise.resolve: the task API is becoming asynchronous; this works either way.
      await Promise.resolve(this.#runtime.tasks.get(taskId, { account: scope } satisfies TaskScope))
      verdict = true
    } catch (error) {
      // Any other failure (storage down) is not a verdict: hide the event now, ask again next time.
      if (!(error instanceof InboardError && error.code === 'task_not_found')) return false
      verdict = false
    }
    this.#remember(key, verdict)
    return verdict
  }

  #remember(key: string, verdict: boolean): void {
    if (this.#verdicts.size >= MAX_VERDICTS) {
      const oldest = this.#verdicts.keys().next().value
      if (oldest !== undefined) this.#verdicts.delete(oldest)
    }
    this.#verdicts.set(key, verdict)
  }
}
