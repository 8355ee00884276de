import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api'
import type { Clock } from '../clock.js'
import { EVENT_TYPES, type RuntimeEvent, type RuntimeEventOf, type RuntimeEventType } from '../events.js'
import { newId } from '../ids.js'
import { WaitRequest, type CallMiddleware, type CallSite } from '../runner/call-middleware.js'
import type { Task, TraceStep } from '../task/task-types.js'
import type { otelApi } from './otel-api.js'

type OtelApi = NonNullable<ReturnType<typeof otelApi>>

interface OpenTask {
  span: Span
  context: Context
  /** The planner decision in progress: model calls made while planning nest under it. */
  plan: { span: Span; context: Context } | null
}

interface OpenCall {
  span: Span
  attempts: number
}

/** Longest content attribute; a huge capability output should not become a huge span. */
const MAX_CONTENT = 8_192
const SPAN_KIND_INTERNAL = 0
const STATUS_ERROR = 2

/**
 * Turns runtime events and capability calls into spans: `invoke_agent` per task, `plan` per planner
 * decision, `chat` per model call, `execute_tool` per capability call. Every tracer call is
 * guarded: telemetry that throws is reported and otherwise ignored, never failing a task.
 */
export class TaskSpans {
  readonly #api: OtelApi
  readonly #tracer: Tracer
  readonly #clock: Clock
  readonly #content: boolean
  readonly #onError: (error: unknown) => void
  readonly #tasks = new Map<string, OpenTask>()
  readonly #calls = new WeakMap<CallSite, OpenCall>()

  constructor(options: {
    api: OtelApi
    tracer: Tracer
    clock: Clock
    recordContent: boolean
    onError: (error: unknown) => void
  }) {
    this.#api = options.api
    this.#tracer = options.tracer
    this.#clock = options.clock
    this.#content = options.recordContent
    this.#onError = options.onError
  }

  /** The event types this listens to; `task.progress` repeats step events and is left out. */
  static readonly EVENT_TYPES: readonly RuntimeEventType[] = EVENT_TYPES.filter((type) => type !== 'task.progress')

  onEvent(event: RuntimeEvent): void {
    try {
      this.#handle(event)
    } catch (error) {
      this.#report(error)
    }
  }

  /** True once a task span was recorded: until then no event but `task.created` can matter. */
  get recorded(): boolean {
    return this.#recorded
  }

  #recorded = false

  readonly middleware: CallMiddleware = {
    name: 'telemetry',
    call: (site, next) => this.#call(site, next),
    attempt: (site, next) => this.#attempt(site, next),
  }

  #handle(event: RuntimeEvent): void {
    switch (event.type) {
      case 'task.created':
        this.#open(event.task, event.timestamp)
        return
      case 'task.running':
      case 'task.waiting': {
        const open = this.#tasks.get(event.task_id)
        if (!open) return
        const attributes: Attributes = { 'inboard.task.status': event.task.status }
        if (event.task.waiting) attributes['inboard.wait.reason'] = event.task.waiting.reason
        open.span.addEvent(event.type, attributes, Date.parse(event.timestamp))
        return
      }
      case 'task.complete':
      case 'task.failed':
      case 'task.cancelled':
        this.#close(event)
        return
      case 'step.started':
        if (event.step.action === 'plan') this.#startPlan(event.task_id, event.step)
        return
      case 'step.complete':
      case 'step.failed':
        this.#step(event.task_id, event.step)
        return
      default:
        return
    }
  }

  #open(task: Task, at: string): void {
    const attributes: Attributes = {
      'gen_ai.operation.name': 'invoke_agent',
      'inboard.task.id': task.id,
      'inboard.task.mode': task.mode,
      'inboard.task.priority': task.priority,
    }
    if (task.sub_agent !== null) attributes['gen_ai.agent.name'] = task.sub_agent
    if (this.#content) {
      attributes['gen_ai.input.messages'] = clip(
        JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: task.prompt }] }]),
      )
      if (task.user_id !== null) attributes['inboard.task.user_id'] = task.user_id
    }
    const name = task.sub_agent === null ? 'invoke_agent' : `invoke_agent ${task.sub_agent}`
    // The active context at creation: a task created while serving a traced request joins that trace.
    const parent = this.#api.context.active()
    const span = this.#tracer.startSpan(
      name,
      { kind: SPAN_KIND_INTERNAL, startTime: Date.parse(at), attributes },
      parent,
    )
    // Unsampled (or no SDK at all): nothing below it would be recorded either, so keep nothing.
    if (!span.isRecording()) return
    this.#recorded = true
    this.#tasks.set(task.id, { span, context: this.#api.trace.setSpan(parent, span), plan: null })
  }

  #close(event: RuntimeEventOf<'task.complete' | 'task.failed' | 'task.cancelled'>): void {
    const open = this.#tasks.get(event.task_id)
    if (!open) return
    this.#tasks.delete(event.task_id)
    const { span } = open
    span.setAttribute('inboard.task.status', event.task.status)
    if (event.task.tool !== null) span.setAttribute('inboard.task.tool', event.task.tool)
    if (event.task.usage)
      span.setAttributes({
        'gen_ai.usage.input_tokens': event.task.usage.input_tokens,
        'gen_ai.usage.output_tokens': event.task.usage.output_tokens,
      })
    if (open.plan) open.plan.span.end(Date.parse(event.timestamp))
    if (event.type === 'task.failed' && event.task.error) {
      span.setAttribute('error.type', event.task.error.code)
      span.setStatus({ code: STATUS_ERROR, message: event.task.error.message })
    }
    if (this.#content && event.type === 'task.complete') {
      span.setAttribute(
        'gen_ai.output.messages',
        clip(JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: event.task.result }] }])),
      )
    }
    span.end(Date.parse(event.timestamp))
  }

  #startPlan(taskId: string, step: TraceStep): void {
    const open = this.#tasks.get(taskId)
    if (!open) return
    const attributes: Attributes = { 'gen_ai.operation.name': 'plan', 'inboard.planner': step.tool }
    const span = this.#tracer.startSpan(
      'plan',
      { kind: SPAN_KIND_INTERNAL, startTime: Date.parse(step.started_at), attributes },
      open.context,
    )
    open.plan = { span, context: this.#api.trace.setSpan(open.context, span) }
  }

  /** Ends planner decisions; model calls and waits become spans from their finished steps. Capability calls come from the middleware. */
  #step(taskId: string, step: TraceStep): void {
    const open = this.#tasks.get(taskId)
    if (!open) return
    const start = Date.parse(step.started_at)
    const end = start + step.duration_ms
    if (step.action === 'plan') {
      const plan = open.plan
      if (!plan) return
      open.plan = null
      plan.span.setAttribute('inboard.step.status', step.status)
      // Plan notes can quote the prompt (execution memory's learned plans do), so they count as content.
      if (this.#content && step.note !== undefined) plan.span.setAttribute('inboard.step.note', clip(step.note))
      if (step.status === 'failed') plan.span.setStatus({ code: STATUS_ERROR })
      plan.span.end(end)
      return
    }
    let name: string
    const attributes: Attributes = { 'inboard.step.status': step.status }
    let parent = open.context
    if (step.tool === 'model') {
      const model = step.model ?? step.action
      name = `chat ${model}`
      attributes['gen_ai.operation.name'] = 'chat'
      attributes['gen_ai.request.model'] = model
      attributes['inboard.model.action'] = step.action
      if (step.usage) {
        attributes['gen_ai.usage.input_tokens'] = step.usage.input_tokens
        attributes['gen_ai.usage.output_tokens'] = step.usage.output_tokens
      }
      if (open.plan) parent = open.plan.context
    } else if (step.action.startsWith('wait_')) {
      name = step.action
      attributes['inboard.wait.reason'] = step.action.slice('wait_'.length)
      attributes['inboard.wait.service'] = step.tool
    } else {
      return
    }
    const span = this.#tracer.startSpan(name, { kind: SPAN_KIND_INTERNAL, startTime: start, attributes }, parent)
    if (step.status === 'failed') span.setStatus({ code: STATUS_ERROR })
    span.end(end)
  }

  async #call(site: CallSite, next: () => Promise<unknown>): Promise<unknown> {
    const open = this.#tasks.get(site.task.id)
    let call: OpenCall | undefined
    let context: Context | undefined
    if (open) {
      try {
        const id = `${site.tool}.${site.capability}`
        const attributes: Attributes = {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': id,
          'gen_ai.tool.type': 'function',
          'gen_ai.tool.call.id': newId('call'),
          'inboard.tool': site.tool,
          'inboard.capability': site.capability,
        }
        // Only the validated input: credentials travel in site.context and are never read here.
        if (this.#content) attributes['gen_ai.tool.call.arguments'] = clip(JSON.stringify(site.input) ?? 'null')
        const span = this.#tracer.startSpan(
          `execute_tool ${id}`,
          { kind: SPAN_KIND_INTERNAL, startTime: this.#clock.now(), attributes },
          open.context,
        )
        call = { span, attempts: 0 }
        this.#calls.set(site, call)
        context = this.#api.trace.setSpan(open.context, span)
      } catch (error) {
        this.#report(error)
      }
    }
    if (call === undefined || context === undefined) return next()
    const span = call.span
    // The capability runs inside the span's context, so instrumented clients it uses nest under it.
    const run = (): Promise<unknown> => this.#api.context.with(context, next)
    let output: unknown
    try {
      output = await run()
    } catch (thrown) {
      this.#guard(() => {
        const waiting = thrown instanceof WaitRequest
        span.setAttributes({
          'inboard.tool.status': waiting ? 'waiting' : 'failed',
          'inboard.tool.attempts': call.attempts,
        })
        if (!waiting) {
          span.setAttribute('error.type', codeOf(thrown))
          span.setStatus({ code: STATUS_ERROR, message: thrown instanceof Error ? thrown.message : String(thrown) })
        }
        span.end(this.#clock.now())
      })
      throw thrown
    }
    this.#guard(() => {
      span.setAttributes({ 'inboard.tool.status': 'complete', 'inboard.tool.attempts': call.attempts })
      if (this.#content) span.setAttribute('gen_ai.tool.call.result', clip(JSON.stringify(output) ?? 'null'))
      span.end(this.#clock.now())
    })
    return output
  }

  async #attempt(site: CallSite, next: () => Promise<unknown>): Promise<unknown> {
    const call = this.#calls.get(site)
    if (!call) return next()
    const attempt = ++call.attempts
    try {
      return await next()
    } catch (thrown) {
      this.#guard(() =>
        call.span.addEvent(
          'inboard.attempt.failed',
          { 'inboard.attempt': attempt, 'error.type': codeOf(thrown) },
          this.#clock.now(),
        ),
      )
      throw thrown
    }
  }

  #guard(work: () => void): void {
    try {
      work()
    } catch (error) {
      this.#report(error)
    }
  }

  #report(error: unknown): void {
    try {
      this.#onError(error)
    } catch {
      // The report hook itself failed; telemetry must still never reach the task.
    }
  }
}

function codeOf(thrown: unknown): string {
  const code = (thrown as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : thrown instanceof Error ? thrown.name : 'unknown'
}

function clip(text: string): string {
  return text.length > MAX_CONTENT ? `${text.slice(0, MAX_CONTENT)}…` : text
}
