import type { Clock } from '../clock.js'
import { InboardError } from '../errors/inboard-error.js'
import type { EventBus } from '../events.js'
import type { Queue } from '../queue/queue.js'
import { newId, TASK_ID } from '../ids.js'
import { failTask } from '../runner/task-outcomes.js'
import { runTask, type RunnerDeps } from '../runner/task-runner.js'
import type { TaskStorage } from '../storage/task-storage.js'
import type { SubagentRegistry } from '../subagents/subagent-registry.js'
import { fromStored } from '../task/stored-form.js'
import type { TaskLifecycle } from '../task/task-lifecycle.js'
import { isTerminal } from '../task/task-machine.js'
import { toTask, toTaskListItem, type TaskRecord } from '../task/task-record.js'
import type { Page, Task, TaskListItem, Trace } from '../task/task-types.js'
import type { CapabilityIndex } from './capability-index.js'
import type { CapabilityResolver } from './capability-resolver.js'
import type { ResolvedOptions } from './runtime-options.js'
import {
  MAX_PROMPT_LENGTH,
  taskCreateSchema,
  taskInputSchema,
  taskListSchema,
  type TaskCreateInput,
  type TaskInputBody,
  type TaskListQuery,
} from './schemas.js'
import type { CreateOptions, TaskApi, TaskScope, WaitOptions } from './task-api.js'
import { QueueAdmission } from './queue-admission.js'
import { TaskAdmission } from './task-admission.js'
import { TaskWatchers } from './task-watchers.js'
import { CreatedHere } from './created-here.js'
import { routeTask } from './task-routing.js'
import { validate } from './validate.js'

/** How often `wait()` looks at a task that another process runs (with a queue, events come first and this is the fallback). */
const POLL_MS = 100
const QUEUE_POLL_MS = 1_000

/** Who runs a task next: the in-process admission, or the queue. */
type Admission = Pick<TaskAdmission, 'active' | 'idle'> & {
  enqueue(record: TaskRecord, front?: boolean): void | Promise<void>
  accepting?(): void
}

export interface TaskServiceDeps {
  options: ResolvedOptions
  storage: TaskStorage
  lifecycle: TaskLifecycle
  runner: Omit<RunnerDeps, 'capabilitiesFor' | 'subagentPrompt'>
  index: CapabilityIndex
  subagents: SubagentRegistry
  capabilities: CapabilityResolver
  /** Resolves once the storage is open and recovered; rejects with its error otherwise. */
  ready(): Promise<void>
  bus: EventBus
  /** With a queue, tasks are handed to it instead of the in-process scheduler. */
  queue?: Queue | undefined
  /** With a queue: resolves once this process hears the others' task events. */
  listen?: () => Promise<void>
}

/** `runtime.tasks`, plus what the runtime itself needs (resume, close). */
export class TaskService implements TaskApi {
  readonly #deps: TaskServiceDeps
  readonly #runner: RunnerDeps
  readonly #admission: Admission
  readonly #queued: QueueAdmission | null
  readonly #watchers: TaskWatchers
  /** With a queue: tasks created here that are still on their way, for `wait()`. */
  readonly #createdHere: CreatedHere | null
  #closed = false

  constructor(deps: TaskServiceDeps) {
    this.#deps = deps
    this.#runner = {
      ...deps.runner,
      capabilitiesFor: (record) => deps.capabilities.capabilitiesFor(record),
      subagentPrompt: (record) =>
        record.subAgent === null ? null : (deps.subagents.peek(record.account, record.subAgent)?.prompt ?? null),
    }
    this.#queued =
      deps.queue === undefined
        ? null
        : new QueueAdmission({
            queue: deps.queue,
            storage: deps.storage,
            lifecycle: deps.lifecycle,
            runner: this.#runner,
            accountConcurrency: deps.options.accountConcurrency,
            onError: deps.options.onError,
          })
    this.#admission =
      this.#queued ??
      new TaskAdmission({
        concurrency: deps.options.concurrency,
        accountConcurrency: deps.options.accountConcurrency,
        lifecycle: deps.lifecycle,
        run: (record) => runTask(this.#runner, record),
        onError: deps.options.onError,
      })
    this.#watchers = new TaskWatchers(deps.bus)
    this.#createdHere = this.#queued === null ? null : new CreatedHere(deps.bus)
  }

  /** With a queue: the consumer that runs the jobs this process takes. */
  get queued(): QueueAdmission | null {
    return this.#queued
  }

  async create(input: TaskCreateInput, scope: TaskScope = {}, createOptions: CreateOptions = {}): Promise<Task> {
    await this.#deps.ready()
    if (this.#closed) throw new InboardError('runtime_closed', 'The runtime is closed and accepts no new tasks')
    const body = validate(taskCreateSchema, input, 'task')
    this.#admission.accepting?.()
    if (body.prompt.length > MAX_PROMPT_LENGTH) {
      throw new InboardError(
        'prompt_too_long',
        `The prompt has ${body.prompt.length} characters; the maximum is ${MAX_PROMPT_LENGTH}`,
        { param: 'prompt' },
      )
    }
    const { options, lifecycle, subagents, index } = this.#deps
    // Only subagents of the task's own scope (and prebuilt ones) can run it.
    const account = scope.account ?? null
    const subAgent =
      body.sub_agent == null
        ? routeTask(body.prompt, subagents.deployed(account), index)
        : subagents.get(account, body.sub_agent).id
    const record: TaskRecord = {
      id: newId('task'),
      status: 'pending',
      prompt: body.prompt,
      subAgent,
      tool: null,
      userId: body.user_id ?? null,
      account,
      mode: body.mode ?? options.mode,
      priority: body.priority ?? 5,
      metadata: body.metadata ?? {},
      timeoutMs:
        body.timeout === undefined ? options.limits.taskTimeoutMs : Math.max(1, Math.round(body.timeout * 1000)),
      createdAt: options.clock.now(),
      startedAt: null,
      endedAt: null,
      usedMs: 0,
      result: undefined,
      error: null,
      waiting: null,
      steps: null,
      work: null,
      version: 1,
      owner: null,
      leaseExpiresAt: null,
    }
    if (body.memory === false) record.memory = false
    await lifecycle.created(record)
    await Promise.resolve(createOptions.onStored?.(toTask(record))).catch((error: unknown) =>
      options.onError(error, { message: `onStored failed for task ${record.id}`, taskId: record.id }),
    )
    if (this.#closed)
      failTask(
        this.#runner,
        record,
        new InboardError('runtime_closed', 'The runtime closed before the task started', {
          recoverable: true,
          suggestion: 'Create the task again',
        }),
      )
    else {
      // Before the hand-out: the task may settle elsewhere before the add returns. With a queue the
      // record is not live here, so nothing changes it: whoever runs the task adopts its own copy.
      if (this.#createdHere !== null && (await this.#listen())) this.#createdHere.add(record)
      await this.#admission.enqueue(record)
    }
    return toTask(record)
  }

  async get(id: string, scope: TaskScope = {}): Promise<Task> {
    return toTask(await this.#find(id, scope))
  }

  async list(query: TaskListQuery = {}, scope: TaskScope = {}): Promise<Page<TaskListItem>> {
    await this.#deps.ready()
    const filter = validate(taskListSchema, query, 'query')
    await this.#deps.lifecycle.prune()
    const page = await this.#deps.storage.list(
      {
        status: filter.status,
        subAgent: filter.sub_agent,
        userId: filter.user_id,
        ...(scope.account === undefined ? {} : { account: scope.account }),
      },
      { limit: filter.limit ?? 20, offset: filter.offset ?? 0 },
    )
    // A task running here may be a step ahead of its last write: show the live record.
    return {
      data: page.data.map((stored) => toTaskListItem(this.#deps.lifecycle.live(stored.id) ?? fromStored(stored))),
      has_more: page.has_more,
    }
  }

  async cancel(id: string, scope: TaskScope = {}): Promise<Task> {
    // A task another process runs changes under us: try again on its newer version a few times.
    for (let attempt = 1; ; attempt++) {
      const record = await this.#find(id, scope)
      const held = this.#deps.lifecycle.live(id) === record
      const controller = record.work?.controller
      if (!this.#deps.lifecycle.apply(record, 'CANCEL')) {
        throw new InboardError('task_already_complete', `Task ${id} is already ${record.status}`)
      }
      controller?.abort(new DOMException('The task was cancelled', 'AbortError'))
      if ((await this.#deps.lifecycle.settled(record)) !== 'conflict') return toTask(record)
      if (held || attempt >= 5)
        throw new InboardError(
          'storage_conflict',
          `Task ${id} changed while it was being cancelled; read it and try again`,
        )
    }
  }

  /**
   * An event from another process about a task: one that ended there (a cancel, say) while this
   * process runs it stops here, its in-flight calls aborted.
   */
  heard(event: { task_id: string; task?: Task }): void {
    const record = this.#deps.lifecycle.live(event.task_id)
    const status = event.task?.status
    if (status !== undefined) this.#createdHere?.settled(event.task_id, status)
    if (!record || status === undefined || !isTerminal(status) || isTerminal(record.status)) return
    record.work?.controller?.abort(
      status === 'cancelled'
        ? new DOMException('The task was cancelled', 'AbortError')
        : new InboardError('storage_conflict', 'Another process ended the task'),
    )
    this.#deps.lifecycle.endedElsewhere(record, status)
  }

  async trace(id: string, scope: TaskScope = {}): Promise<Trace> {
    return this.#runner.trace.read(await this.#find(id, scope))
  }

  async sendInput(id: string, input: TaskInputBody, scope: TaskScope = {}): Promise<Task> {
    const found = await this.#find(id, scope)
    const body = validate(taskInputSchema, input, 'input')
    if (this.#closed && !isTerminal(found.status))
      throw new InboardError('runtime_closed', 'The runtime is closed and resumes no task')
    if (isTerminal(found.status))
      throw new InboardError('task_already_complete', `Task ${id} is already ${found.status}`)
    if (found.status !== 'waiting' || !found.work)
      throw new InboardError('task_not_waiting', `Task ${id} is ${found.status}, not waiting for input`)
    // A waiting task read from storage (after a restart, or waiting in another process) continues here.
    const record = this.#deps.lifecycle.adopt(found)
    const work = record.work!
    if (record.waiting?.reason === 'approval_required' && body.approved === undefined) {
      throw new InboardError('invalid_request', 'This task is waiting for approval: send { approved: true | false }', {
        param: 'approved',
      })
    }
    // Values become planner input; a field nobody asked for could steer the task (a capability, say).
    const asked = new Set((record.waiting?.fields ?? []).map((field) => field.name))
    // An approval can be settled by naming the capability meant instead (docs/planners.md).
    if (record.waiting?.reason === 'approval_required') asked.add('capability')
    const unasked = Object.keys(body.values ?? {}).filter((name) => !asked.has(name))
    if (unasked.length > 0) {
      const wanted = asked.size === 0 ? 'it asked for no values' : `it asked for ${[...asked].join(', ')}`
      throw new InboardError('input_not_requested', `Task ${id} did not ask for ${unasked.join(', ')} (${wanted})`, {
        param: 'values',
      })
    }
    if (body.message !== undefined) work.messages.push(body.message)
    if (body.values !== undefined) Object.assign(work.values, body.values)
    if (body.approved !== undefined) work.approved = body.approved
    this.resume(record)
    // Answer once the task is stored as resumed: a read that follows the answer, on any process,
    // must not find it still waiting.
    const answer = toTask(record)
    await this.#deps.lifecycle.save(record)
    return answer
  }

  async wait(id: string, options: WaitOptions = {}, scope: TaskScope = {}): Promise<Task> {
    const until = options.until ?? 'terminal'
    const { lifecycle, storage } = this.#deps
    const done = (task: { status: string }): boolean =>
      isTerminal(task.status as Task['status']) || (until === 'waiting' && task.status === 'waiting')
    const queued = this.#queued !== null
    // Another process may finish the task while it is being read: what it says meanwhile counts.
    // Only a queue brings other processes' events; without one there is nothing to listen for (and
    // a listener would make the bus build every event of every running task meanwhile).
    let heardEarly: Task | null = null
    const unwatchEarly = queued
      ? this.#watchers.watch(id, (event, remote) => {
          if (remote && 'task' in event && done(event.task)) heardEarly ??= event.task
        })
      : null
    let record: TaskRecord
    try {
      if (queued) await this.#listen()
      record = this.#createdHereIn(id, scope) ?? (await this.#find(id, scope))
    } finally {
      unwatchEarly?.()
    }
    if (heardEarly !== null && !done(record)) return heardEarly
    if (done(record))
      return lifecycle.live(id) === record ? ((await lifecycle.wait(record, until)) ?? toTask(record)) : toTask(record)
    const pollMs = queued ? QUEUE_POLL_MS : POLL_MS
    const { clock } = this.#deps.options
    let waited = null as { record: TaskRecord; promise: Promise<Task | null> } | null
    for (;;) {
      // A task running here is woken by its own writes. A waiting or pending one may be resumed by
      // another process, so its stored state and the other processes' events are watched too.
      const live = lifecycle.live(id)
      if (live && waited?.record !== live) waited = { record: live, promise: lifecycle.wait(live, until) }
      const local = live ? waited!.promise : null
      let outcome: Task | 'check' | null
      // Without a queue, a task running here changes only here: its own writes wake the wait, and
      // nothing else could (no timer, no listener), so the wait is on them alone.
      if (local !== null && !queued && live!.status === 'running') outcome = await local
      else {
        let stop = (): void => undefined
        const heard = new Promise<Task | 'check'>((resolve) => {
          const timer = live?.status === 'running' ? undefined : clock.setTimeout(() => resolve('check'), pollMs)
          // Without a queue no event comes from elsewhere: a task held here needs no listener.
          const unwatch =
            !queued && live !== undefined
              ? (): void => undefined
              : this.#watchers.watch(id, (event, remote) => {
                  if (!('task' in event)) return
                  if (remote && done(event.task)) resolve(event.task)
                  // Taken up here, or (with a queue) let go from here: look again.
                  else if (!remote && (live === undefined || (queued && event.task.status !== 'running')))
                    resolve('check')
                })
          stop = () => {
            if (timer !== undefined) clock.clearTimeout(timer)
            unwatch()
          }
        })
        outcome = await (local === null ? heard : Promise.race([local, heard]))
        stop()
      }
      if (outcome !== null && outcome !== 'check') return outcome
      if (outcome === null) waited = null
      const stored = await storage.get(id)
      if (stored === null) throw new InboardError('task_not_found', `No task with id "${id}"`)
      const current = lifecycle.live(id)
      // A live record that is not running here and is older than storage is a stale copy: let it go.
      if (current && current.status !== 'running' && stored.version > current.version) lifecycle.release(current)
      if (done(stored) && lifecycle.live(id) === undefined) return toTask(fromStored(stored))
    }
  }

  /** Puts a live waiting task back in line; it runs where it stopped. */
  resume(record: TaskRecord): void {
    if (record.status !== 'waiting' || this.#closed) return
    const work = record.work!
    const step = this.#runner.trace.start(
      record,
      record.waiting?.service ?? 'runtime',
      `wait_${record.waiting?.reason ?? 'input'}`,
    )
    step.startedAt = work.waitStartedAt ?? step.startedAt
    this.#runner.trace.end(record, step, { status: 'complete' })
    work.waitStartedAt = null
    // With a queue the hand-out settles later; it reports its own failures.
    void this.#admission.enqueue(record, true)
    if (record.status === 'waiting') this.#deps.lifecycle.apply(record, 'REQUEUE')
  }

  /** Queues a task this process just took over (recovery). */
  enqueue(record: TaskRecord): void {
    void this.#admission.enqueue(record)
  }

  /**
   * Resumes every waiting task that `match` selects (e.g. all tasks of one account's user waiting
   * for consent to one service, once it is granted). `match` also gets the task's account (null for
   * tasks created without one), which the public task does not carry. Resolves with how many resumed.
   */
  async resumeWaiting(
    filter: { userId?: string | undefined; account?: string | null },
    match: (task: Task, account: string | null) => boolean,
  ): Promise<number> {
    await this.#deps.ready()
    let resumed = 0
    const matching: TaskRecord[] = []
    for (let offset = 0; ; offset += 100) {
      const page = await this.#deps.storage.list({ status: 'waiting', ...filter }, { limit: 100, offset })
      for (const stored of page.data) {
        const record = this.#deps.lifecycle.live(stored.id) ?? fromStored(stored)
        if (record.status === 'waiting' && match(toTask(record), record.account)) matching.push(record)
      }
      if (!page.has_more) break
    }
    for (const record of matching) {
      this.resume(this.#deps.lifecycle.adopt(record))
      resumed++
    }
    return resumed
  }

  /**
   * Stops intake; waits for queued and running tasks until the deadline, then fails the ones still
   * running. Pending and waiting tasks stay stored for the next start, unless `failLeftovers` (the
   * runtime's own in-memory storage, which nothing will ever read again) fails them too.
   */
  async close(deadlineMs: number, failLeftovers: boolean): Promise<void> {
    this.#closed = true
    let timer: unknown
    const clock: Clock = this.#deps.options.clock
    const deadline = new Promise<void>((resolve) => (timer = clock.setTimeout(resolve, deadlineMs)))
    await Promise.race([this.#admission.idle(), deadline])
    clock.clearTimeout(timer)
    const stop = new InboardError('runtime_closed', 'The runtime closed before the task finished', {
      recoverable: true,
      suggestion: 'Create the task again',
    })
    for (const record of [...this.#admission.active()]) failTask(this.#runner, record, stop)
    if (failLeftovers) {
      for (const status of ['pending', 'waiting'] as const) {
        for (const stored of (await this.#deps.storage.list({ status }, { limit: Number.MAX_SAFE_INTEGER, offset: 0 }))
          .data) {
          failTask(this.#runner, this.#deps.lifecycle.adopt(fromStored(stored)), stop)
        }
      }
    }
    await Promise.all([...this.#deps.lifecycle.liveRecords()].map((record) => this.#deps.lifecycle.settled(record)))
  }

  /** Refuses new tasks and resumes from now on (the first thing `close` does). */
  stopIntake(): void {
    this.#closed = true
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Hears the other processes' task events from now on; false when that failed (wait() then polls). */
  async #listen(): Promise<boolean> {
    try {
      await this.#deps.listen?.()
      return true
    } catch (error) {
      this.#deps.options.onError(error, { message: "hearing the other processes' task events failed; wait() polls" })
      return false
    }
  }

  /** A task this process created that is still on its way, when the scope may see it. */
  #createdHereIn(id: string, scope: TaskScope): TaskRecord | undefined {
    const record = this.#createdHere?.get(id)
    return record === undefined || (scope.account !== undefined && record.account !== scope.account)
      ? undefined
      : record
  }

  /** The live record, or the stored task; `task_not_found` for unknown, malformed or out-of-scope ids. */
  async #find(id: string, scope: TaskScope): Promise<TaskRecord> {
    await this.#deps.ready()
    const notFound = (): InboardError =>
      new InboardError('task_not_found', `No task with id "${String(id).slice(0, 100)}"`)
    if (typeof id !== 'string' || !TASK_ID.test(id)) throw notFound()
    let record = this.#deps.lifecycle.live(id)
    if (!record) {
      const stored = await this.#deps.storage.get(id)
      record = stored === null ? undefined : (this.#deps.lifecycle.live(id) ?? fromStored(stored))
    }
    if (!record || (scope.account !== undefined && record.account !== scope.account)) throw notFound()
    return record
  }
}
