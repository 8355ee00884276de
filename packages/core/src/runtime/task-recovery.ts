import type { Clock, TimerHandle } from '../clock.js'
import type { TraceRecorder } from '../runner/trace-recorder.js'
import type { StoredTask } from '../storage/stored-task.js'
import type { TaskStorage } from '../storage/task-storage.js'
import { fromStored } from '../task/stored-form.js'
import type { Lease, TaskLifecycle } from '../task/task-lifecycle.js'
import type { TaskRecord } from '../task/task-record.js'
import type { CapabilityIndex } from './capability-index.js'
import type { RuntimeErrorHandler } from './runtime-options.js'
import type { TaskService } from './task-service.js'
import { elapsed } from '../elapsed.js'

export interface RecoveryDeps {
  storage: TaskStorage
  lifecycle: TaskLifecycle
  tasks: TaskService
  trace: TraceRecorder
  index: CapabilityIndex
  clock: Clock
  lease: Lease
  /** The owner id was given by the app: tasks it holds are this process's earlier incarnation's. */
  claimOwn: boolean
  /** With a queue, pending tasks belong to it: only running ones are claimed. @default pending and running */
  statuses?: readonly ('pending' | 'running')[]
  /** Runs after each sweep (with a queue: hand out again pending tasks that no queue holds). */
  afterSweep?: () => Promise<void>
  onError: RuntimeErrorHandler
}

const BATCH = 100

/**
 * Leases and crash recovery: renews the leases of the tasks this process holds, and takes over
 * tasks whose owner stopped renewing (at start-up and then every third of a lease). A pending task
 * queues again; a running one resumes from its last completed step, except that a side-effecting
 * call that was in flight waits for a person, since it may or may not have happened.
 */
export class TaskRecovery {
  readonly #deps: RecoveryDeps
  #timer: TimerHandle = undefined
  #stopped = false
  #busy = false

  constructor(deps: RecoveryDeps) {
    this.#deps = deps
  }

  /** Takes over what is left from earlier processes, then keeps leases fresh. */
  async start(): Promise<void> {
    await this.#sweep(this.#deps.claimOwn)
    this.#schedule()
  }

  stop(): void {
    this.#stopped = true
    if (this.#timer !== undefined) this.#deps.clock.clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #schedule(): void {
    if (this.#stopped) return
    this.#timer = this.#deps.clock.setTimeout(
      () => {
        this.#schedule()
        if (this.#busy) return
        this.#busy = true
        void this.#tick()
          .catch((error: unknown) =>
            this.#deps.onError(error, { message: 'renewing leases or recovering tasks failed; retrying' }),
          )
          .finally(() => (this.#busy = false))
      },
      Math.max(1, Math.floor(this.#deps.lease.durationMs / 3)),
    )
  }

  async #tick(): Promise<void> {
    await this.#renew()
    await this.#sweep(false)
    await this.#deps.afterSweep?.()
  }

  async #renew(): Promise<void> {
    const { lifecycle, storage, clock, lease } = this.#deps
    // A record with a write queued or in flight is left to that write, which stamps a fresh lease:
    // storage may not show it as ours yet (a waiting task just resumed here, say), so a renewal
    // would miss it and take this process's own write for another process's claim.
    const held = [...lifecycle.liveRecords()].filter(
      (record) => (record.status === 'pending' || record.status === 'running') && !lifecycle.writing(record),
    )
    if (held.length === 0) return
    const until = clock.now() + lease.durationMs
    const versions = held.map((record) => record.version)
    const renewed = new Set(
      await storage.renew(
        lease.owner,
        held.map((record) => record.id),
        until,
      ),
    )
    held.forEach((record, i) => {
      if (renewed.has(record.id)) record.leaseExpiresAt = until
      // Another process claimed it (this one stalled past its lease): stop running it here. A
      // write of our own that landed meanwhile (the task waited, say) changed the version instead.
      else if (
        record.version === versions[i] &&
        lifecycle.live(record.id) === record &&
        (record.status === 'pending' || record.status === 'running')
      )
        lifecycle.lose(record)
    })
  }

  async #sweep(includeOwn: boolean): Promise<void> {
    const { storage, clock, lease } = this.#deps
    // Claim everything first and only then start running it: the tasks' own writes would
    // otherwise share each commit with the next claim and hold start-up back. Each page excludes
    // the tasks claimed so far: a task claimed with includeOwn is ours and would match again, so
    // with a page or more of our own tasks left by an earlier incarnation the sweep would claim
    // the same oldest page forever (and a lease shorter than a page's claim could do the same).
    // It also excludes the tasks this process holds: renewal keeps their leases, and a claim's
    // version bump would refuse their own write in flight as if another process had taken them.
    const held = [...this.#deps.lifecycle.liveRecords()]
      .filter((record) => record.status === 'pending' || record.status === 'running')
      .map((record) => record.id)
    const claimed: StoredTask[] = []
    for (;;) {
      const now = clock.now()
      const exclude = [...held, ...claimed.map((task) => task.id)]
      const batch = await storage.claim({
        owner: lease.owner,
        statuses: this.#deps.statuses ?? ['pending', 'running'],
        now,
        until: now + lease.durationMs,
        limit: BATCH,
        includeOwn,
        exclude,
      })
      claimed.push(...batch)
      if (batch.length < BATCH || this.#stopped) break
    }
    for (const stored of claimed) {
      const live = this.#deps.lifecycle.live(stored.id)
      // Taken up here while the claim was under way: keep running it, at the claimed version.
      if (live) live.version = stored.version
      else this.#takeOver(this.#deps.lifecycle.adopt(fromStored(stored)))
    }
  }

  #takeOver(record: TaskRecord): void {
    const { lifecycle, tasks, trace, clock } = this.#deps
    if (record.status === 'pending') {
      tasks.enqueue(record)
      return
    }
    const now = clock.now()
    for (const step of record.steps ?? []) {
      if (step.status !== 'running') continue
      step.status = 'interrupted'
      step.durationMs = elapsed(now, step.startedAt)
      step.note =
        step.note === undefined
          ? 'the process running the task stopped'
          : `${step.note}; the process running the task stopped`
    }
    const work = record.work
    const inFlight = work?.inFlight ?? null
    if (work === null || inFlight === null) {
      const step = trace.start(record, 'runtime', 'recover')
      trace.end(record, step, {
        status: 'complete',
        note: 'the process running the task stopped; resuming from the last completed step',
      })
      lifecycle.apply(record, 'REQUEUE')
      tasks.enqueue(record)
      return
    }
    const { call } = inFlight
    const id = `${call.tool}.${call.capability}`
    const spec = this.#deps.index.get(id)?.spec
    work.inFlight = null
    work.held = [call, ...(work.held ?? [])]
    work.approved = null
    if (spec?.sideEffects !== true || spec.idempotent === true) {
      const step = trace.start(record, 'runtime', 'recover')
      trace.end(record, step, {
        status: 'complete',
        note: `running ${id} again (safe to repeat, idempotency key ${inFlight.idempotencyKey})`,
      })
      lifecycle.apply(record, 'REQUEUE')
      tasks.enqueue(record)
      return
    }
    lifecycle.apply(record, 'WAIT', (task) => {
      task.waiting = {
        reason: 'approval_required',
        service: call.tool,
        auth_url: null,
        message: `${id} was running when the process running this task stopped, so it may or may not have happened. Check ${call.tool}, then approve to run it again or deny to fail the task.`,
        request: { tool: call.tool, capability: call.capability, input: call.input },
      }
      work.waitStartedAt = now
    })
  }
}
