import { InboardError } from '../errors/inboard-error.js'
import { newId } from '../ids.js'
import type { CapabilityInfo } from '../planner/planner.js'
import { failTask } from '../runner/task-outcomes.js'
import { runTask, type RunnerDeps, type TaskCapabilities } from '../runner/task-runner.js'
import type { TraceRecorder } from '../runner/trace-recorder.js'
import { Scheduler } from '../scheduler/scheduler.js'
import type { SubagentRegistry } from '../subagents/subagent-registry.js'
import { relevance } from '../subagents/tool-matching.js'
import type { TaskLifecycle } from '../task/task-lifecycle.js'
import { isTerminal } from '../task/task-machine.js'
import { toTask, toTaskListItem, type TaskRecord } from '../task/task-record.js'
import type { Page, Task, TaskListItem, Trace } from '../task/task-types.js'
import { keywords } from '../text/tokens.js'
import type { CapabilityIndex } from './capability-index.js'
import type { ResolvedOptions } from './runtime-options.js'
import {
  MAX_PROMPT_LENGTH,
  taskCreateSchema,
  taskIdSchema,
  taskInputSchema,
  taskListSchema,
  type TaskCreateInput,
  type TaskInputBody,
  type TaskListQuery,
} from './schemas.js'
import { validate } from './validate.js'

/** Limits a call to one account's tasks: others look like they do not exist. */
export interface TaskScope {
  account?: string | null
}

export interface WaitOptions {
  /** Resolve at `waiting` too, not only at a terminal state. @default 'terminal' */
  until?: 'terminal' | 'waiting'
}

interface TaskServiceDeps {
  options: ResolvedOptions
  lifecycle: TaskLifecycle
  trace: TraceRecorder
  index: CapabilityIndex
  subagents: SubagentRegistry
  planner: RunnerDeps['planner']
  middleware: RunnerDeps['middleware']
}

/** `runtime.tasks`: create, read, cancel and feed tasks. */
export class TaskService {
  readonly #deps: TaskServiceDeps
  readonly #runner: RunnerDeps
  readonly #scheduler: Scheduler
  readonly #active = new Set<TaskRecord>()
  readonly #perAccount = new Map<string, number>()
  readonly #parked = new Map<string, string[]>()
  readonly #capabilityCache = new WeakMap<ReadonlySet<string>, TaskCapabilities>()
  #allCapabilities: TaskCapabilities | null = null
  #closed = false

  constructor(deps: TaskServiceDeps) {
    this.#deps = deps
    const { options } = deps
    this.#runner = {
      middleware: deps.middleware,
      lifecycle: deps.lifecycle,
      trace: deps.trace,
      planner: deps.planner,
      index: deps.index,
      clock: options.clock,
      limits: options.limits,
      capabilitiesFor: (record) => this.#capabilitiesFor(record),
      subagentPrompt: (record) => (record.subAgent === null ? null : (deps.subagents.peek(record.subAgent)?.prompt ?? null)),
    }
    this.#scheduler = new Scheduler({
      concurrency: options.concurrency,
      claim: (id) => this.#claim(id),
      onError: (error) => console.error('[inboard] a task run failed unexpectedly:', error),
    })
  }

  /** Creates a task; it starts at once when a slot is free (`running`), otherwise it is `pending`. */
  create(input: TaskCreateInput, scope: TaskScope = {}): Task {
    if (this.#closed) throw new InboardError('runtime_closed', 'The runtime is closed and accepts no new tasks')
    const body = validate(taskCreateSchema, input, 'task')
    if (body.prompt.length > MAX_PROMPT_LENGTH) {
      throw new InboardError('prompt_too_long', `The prompt has ${body.prompt.length} characters; the maximum is ${MAX_PROMPT_LENGTH}`, { param: 'prompt' })
    }
    const subAgent = body.sub_agent == null ? this.#route(body.prompt) : this.#deps.subagents.get(body.sub_agent).id
    const { options, lifecycle } = this.#deps
    const record: TaskRecord = {
      id: newId('task'),
      status: 'pending',
      prompt: body.prompt,
      subAgent,
      tool: null,
      userId: body.user_id ?? null,
      account: scope.account ?? null,
      mode: body.mode ?? options.mode,
      priority: body.priority ?? 5,
      metadata: body.metadata ?? {},
      timeoutMs: body.timeout === undefined ? options.limits.taskTimeoutMs : Math.max(1, Math.round(body.timeout * 1000)),
      createdAt: options.clock.now(),
      startedAt: null,
      endedAt: null,
      usedMs: 0,
      result: undefined,
      error: null,
      waiting: null,
      steps: null,
      work: null,
    }
    if (body.memory === false) record.memory = false
    lifecycle.created(record)
    this.#scheduler.enqueue(record.id, record.priority, record.userId ?? '')
    return toTask(record)
  }

  get(id: string, scope: TaskScope = {}): Task {
    return toTask(this.#find(id, scope))
  }

  /** Newest first, filtered; `has_more` is exact. */
  list(query: TaskListQuery = {}, scope: TaskScope = {}): Page<TaskListItem> {
    const filter = validate(taskListSchema, query, 'query')
    this.#deps.lifecycle.prune()
    const page = this.#deps.options.taskStore.list(
      { status: filter.status, subAgent: filter.sub_agent, userId: filter.user_id, ...(scope.account === undefined ? {} : { account: scope.account }) },
      filter.limit ?? 20,
      filter.offset ?? 0,
    )
    return { data: page.data.map(toTaskListItem), has_more: page.has_more }
  }

  /** Cancels a pending, running or waiting task; in-flight calls are aborted. */
  cancel(id: string, scope: TaskScope = {}): Task {
    const record = this.#find(id, scope)
    const controller = record.work?.controller
    if (!this.#deps.lifecycle.apply(record, 'CANCEL')) {
      throw new InboardError('task_already_complete', `Task ${id} is already ${record.status}`)
    }
    controller?.abort(new DOMException('The task was cancelled', 'AbortError'))
    return toTask(record)
  }

  trace(id: string, scope: TaskScope = {}): Trace {
    return this.#deps.trace.read(this.#find(id, scope))
  }

  /** Supplies input, values or an approval to a waiting task and resumes it. */
  sendInput(id: string, input: TaskInputBody, scope: TaskScope = {}): Task {
    const body = validate(taskInputSchema, input, 'input')
    const record = this.#find(id, scope)
    if (this.#closed && !isTerminal(record.status)) throw new InboardError('runtime_closed', 'The runtime is closed and resumes no task')
    if (isTerminal(record.status)) throw new InboardError('task_already_complete', `Task ${id} is already ${record.status}`)
    if (record.status !== 'waiting' || !record.work) throw new InboardError('task_not_waiting', `Task ${id} is ${record.status}, not waiting for input`)
    const { work, waiting } = record
    if (waiting?.reason === 'approval_required' && body.approved === undefined) {
      throw new InboardError('invalid_request', 'This task is waiting for approval: send { approved: true | false }', { param: 'approved' })
    }
    if (body.message !== undefined) work.messages.push(body.message)
    if (body.values !== undefined) Object.assign(work.values, body.values)
    if (body.approved !== undefined) work.approved = body.approved
    this.resume(record)
    return toTask(record)
  }

  /** Resolves at a terminal state, or at `waiting` when asked. */
  async wait(id: string, options: WaitOptions = {}, scope: TaskScope = {}): Promise<Task> {
    return this.#deps.lifecycle.wait(this.#find(id, scope), options.until ?? 'terminal')
  }

  /** Puts a waiting task back in line; it runs where it stopped. */
  resume(record: TaskRecord): void {
    if (record.status !== 'waiting' || this.#closed) return
    const work = record.work!
    const step = this.#deps.trace.start(record, record.waiting?.service ?? 'runtime', `wait_${record.waiting?.reason ?? 'input'}`)
    step.startedAt = work.waitStartedAt
    this.#deps.trace.end(record, step, 'complete')
    this.#scheduler.enqueue(record.id, record.priority, record.userId ?? '', true)
    if (record.status === 'waiting') this.#deps.lifecycle.apply(record, 'REQUEUE')
  }

  /**
   * Resumes every waiting task that `match` selects (e.g. all tasks of one account's user waiting
   * for consent to one service, once it is granted). `match` also gets the task's account (null for
   * tasks created without one), which the public task does not carry. Returns how many resumed.
   */
  resumeWaiting(match: (task: Task, account: string | null) => boolean): number {
    let resumed = 0
    const page = this.#deps.options.taskStore.list({ status: 'waiting' }, Number.MAX_SAFE_INTEGER, 0)
    for (const record of page.data) {
      if (!match(toTask(record), record.account)) continue
      this.resume(record)
      resumed++
    }
    return resumed
  }

  /** Stops intake; waits for queued and running tasks until the deadline, then fails the rest (waiting ones too). */
  async close(deadlineMs: number): Promise<void> {
    this.#closed = true
    let timer: unknown
    const clock = this.#deps.options.clock
    const deadline = new Promise<void>((resolve) => (timer = clock.setTimeout(resolve, deadlineMs)))
    await Promise.race([this.#scheduler.idle(), deadline])
    clock.clearTimeout(timer)
    const stop = new InboardError('runtime_closed', 'The runtime closed before the task finished', { recoverable: true, suggestion: 'Create the task again' })
    for (const record of this.#active) failTask(this.#deps, record, stop)
    // Queued and waiting tasks are plain data in this store: nothing would ever resume them.
    for (const status of ['pending', 'waiting'] as const) {
      for (const record of this.#deps.options.taskStore.list({ status }, Number.MAX_SAFE_INTEGER, 0).data) failTask(this.#deps, record, stop)
    }
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Forgets cached capability lists after tools or subagents change. */
  invalidate(): void {
    this.#allCapabilities = null
  }

  #find(id: string, scope: TaskScope): TaskRecord {
    validate(taskIdSchema, id, 'task id')
    const record = this.#deps.options.taskStore.get(id)
    if (!record || (scope.account !== undefined && record.account !== scope.account)) {
      throw new InboardError('task_not_found', `No task with id "${id}"`)
    }
    return record
  }

  /** Picks the deployed subagent whose tools relate most to the prompt, or none. */
  #route(prompt: string): string | null {
    const deployed = this.#deps.subagents.deployed()
    if (deployed.length === 0) return null
    const promptWords = keywords(prompt)
    let best: string | null = null
    let bestScore = 0
    for (const subagent of deployed) {
      const score = relevance(promptWords, [...subagent.capabilityIds], this.#deps.index)
      if (score > bestScore) {
        best = subagent.id
        bestScore = score
      }
    }
    return best
  }

  #claim(id: string): (() => Promise<void>) | null {
    const record = this.#deps.options.taskStore.get(id)
    if (!record || (record.status !== 'pending' && record.status !== 'waiting')) return null
    const account = record.account
    if (account !== null) {
      const running = this.#perAccount.get(account) ?? 0
      if (running >= this.#deps.options.accountConcurrency) {
        const parked = this.#parked.get(account)
        if (parked) parked.push(id)
        else this.#parked.set(account, [id])
        return null
      }
      this.#perAccount.set(account, running + 1)
    }
    record.work ??= { history: [], messages: [], values: {}, decisions: 0, held: null, approved: null, waitStartedAt: 0, controller: null }
    this.#deps.lifecycle.apply(record, 'START')
    this.#active.add(record)
    return async () => {
      try {
        await runTask(this.#runner, record)
      } finally {
        this.#active.delete(record)
        if (account !== null) this.#release(account)
      }
    }
  }

  #release(account: string): void {
    this.#perAccount.set(account, (this.#perAccount.get(account) ?? 1) - 1)
    const parked = this.#parked.get(account)
    // Skip parked tasks that were cancelled (or pruned) meanwhile: the slot goes to the next live one.
    for (let id = parked?.shift(); id !== undefined; id = parked?.shift()) {
      const record = this.#deps.options.taskStore.get(id)
      if (record && (record.status === 'pending' || record.status === 'waiting')) {
        this.#scheduler.enqueue(record.id, record.priority, record.userId ?? '', true)
        break
      }
    }
    if (parked?.length === 0) this.#parked.delete(account)
  }

  #capabilitiesFor(record: TaskRecord): TaskCapabilities {
    const subagent = record.subAgent === null ? undefined : this.#deps.subagents.peek(record.subAgent)
    if (!subagent) return (this.#allCapabilities ??= this.#build([...this.#deps.index.all()].map((entry) => entry.info.id)))
    // An update replaces the subagent's id set, so the set itself is the cache key.
    let value = this.#capabilityCache.get(subagent.capabilityIds)
    if (!value) {
      value = this.#build([...subagent.capabilityIds])
      this.#capabilityCache.set(subagent.capabilityIds, value)
    }
    return value
  }

  #build(ids: string[]): TaskCapabilities {
    const infos: CapabilityInfo[] = []
    for (const id of ids) {
      const entry = this.#deps.index.get(id)
      if (entry) infos.push(entry.info)
    }
    return { infos, allowed: new Set(ids) }
  }
}
