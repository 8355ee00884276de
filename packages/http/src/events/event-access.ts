import { InboardError, type Runtime, type TaskScope } from '@inboard/core'

/** Verdicts kept at once; past this the oldest tasks' are forgotten (and looked up again if needed). */
const MAX_VERDICTS = 100_000

/**
 * Whether a task belongs to a scope (account and environment), asked of the runtime once per task
 * and scope and then remembered while the task runs: runtime events do not carry the task's
 * account, and streams must show a key only its own tasks. A task's verdicts are forgotten once its
 * terminal event has gone out, so they do not pile up with every task a long burst creates.
 */
export class EventAccess {
  readonly #runtime: Runtime
  /** Per task, in the order tasks were first seen: the verdict for each scope asked about. */
  readonly #verdicts = new Map<string, Map<string, boolean>>()
  #count = 0

  constructor(runtime: Runtime) {
    this.#runtime = runtime
  }

  /** Verdicts remembered right now. */
  get size(): number {
    return this.#count
  }

  /** The remembered verdict, or undefined when it has to be looked up with {@link owns}. */
  known(taskId: string, scope: string): boolean | undefined {
    return this.#verdicts.get(taskId)?.get(scope)
  }

  /** Marks a task as the scope's without a lookup (the stream already read it through the scope). */
  grant(taskId: string, scope: string): void {
    this.#remember(taskId, scope, true)
  }

  /** Forgets a task's verdicts (its last event has been sent); a later replay looks them up again. */
  forget(taskId: string): void {
    const scopes = this.#verdicts.get(taskId)
    if (scopes === undefined) return
    this.#count -= scopes.size
    this.#verdicts.delete(taskId)
  }

  async owns(taskId: string, scope: string): Promise<boolean> {
    const known = this.known(taskId, scope)
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
    this.#remember(taskId, scope, verdict)
    return verdict
  }

  #remember(taskId: string, scope: string, verdict: boolean): void {
    let scopes = this.#verdicts.get(taskId)
    if (scopes?.has(scope) !== true) {
      while (this.#count >= MAX_VERDICTS) {
        const oldest = this.#verdicts.keys().next().value
        if (oldest === undefined || oldest === taskId) break
        this.forget(oldest)
      }
      this.#count++
    }
    if (!scopes) this.#verdicts.set(taskId, (scopes = new Map<string, boolean>()))
    scopes.set(scope, verdict)
  }
}
