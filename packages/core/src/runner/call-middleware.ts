import type { CapabilitySpec, CredentialSource, ToolError } from '@inboard/tools'
import type { TaskMode, TaskWaiting } from '../task/task-types.js'
import type { RetryPolicy } from './tool-execution.js'

/** One capability call as middleware sees it. */
export interface CallSite {
  readonly task: {
    readonly id: string
    readonly user_id: string | null
    readonly sub_agent: string | null
    readonly account: string | null
    readonly mode: TaskMode
  }
  readonly tool: string
  readonly capability: string
  readonly spec: CapabilitySpec
  /** Validated input. Middleware may replace it (a learned page size, say) before calling `next`. */
  input: unknown
  /** This call's retry policy, a copy middleware may tune. */
  policy: RetryPolicy
  /** Fields added to the tool's `ctx` for this call. */
  readonly context: { credentials?: CredentialSource; fetch?: typeof globalThis.fetch }
  /** Aborted when the task stops. */
  readonly signal: AbortSignal
  /** Adds a note to the call's trace step. */
  note(text: string): void
  /**
   * Declares a secret the call sends (a credential middleware hands the tool): it is removed, with
   * its URL-encoded forms, from errors, notes, results, events and webhooks.
   */
  secret(value: string): void
}

/**
 * Runtime extensions around capability calls (credentials, execution memory). `call` wraps the
 * whole call — retries and output validation included — and `attempt` wraps each attempt. Both
 * receive `next` and return what it returns, or throw; a {@link WaitRequest} parks the task.
 */
export interface CallMiddleware {
  readonly name: string
  call?(site: CallSite, next: () => Promise<unknown>): Promise<unknown>
  attempt?(site: CallSite, next: () => Promise<unknown>): Promise<unknown>
}

/**
 * Thrown by middleware to move the task to `waiting` (OAuth consent, say). The call is held and
 * runs again, through the middleware, when the task resumes.
 */
export class WaitRequest extends Error {
  override readonly name = 'WaitRequest'
  readonly waiting: TaskWaiting

  constructor(waiting: TaskWaiting) {
    super(waiting.message)
    this.waiting = waiting
  }
}

/**
 * Thrown by middleware when a call failed in a way planning can route around (a replayed plan that
 * no longer fits, say): the step fails but the task does not, and the planner decides again with
 * the failure in its history.
 */
export class ReplanRequest extends Error {
  override readonly name = 'ReplanRequest'
  readonly error: ToolError

  constructor(error: ToolError) {
    super(error.message, { cause: error })
    this.error = error
  }
}

/** Runs `last` inside every middleware's `hook`, first middleware outermost. */
export function compose(
  middleware: readonly CallMiddleware[],
  hook: 'call' | 'attempt',
  { site, last }: { site: CallSite; last: () => Promise<unknown> },
): Promise<unknown> {
  let next = last
  for (let i = middleware.length - 1; i >= 0; i--) {
    const layer = middleware[i]!
    if (!layer[hook]) continue
    const inner = next
    next = () => layer[hook]!(site, inner)
  }
  return next()
}
