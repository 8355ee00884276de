import { describe, expectTypeOf, it } from 'vitest'
import { createRuntime, type RuntimeEvent, type Task, type TraceStep, type Unsubscribe } from '@inboard/core'

describe('runtime.on() types', () => {
  const runtime = createRuntime()

  it('hands the listener of one event type that event, narrowed from the union', () => {
    runtime.on('task.complete', (event) => {
      expectTypeOf(event.type).toEqualTypeOf<'task.complete'>()
      expectTypeOf(event.task).toEqualTypeOf<Task>()
      expectTypeOf(event).toEqualTypeOf<Extract<RuntimeEvent, { type: 'task.complete' }>>()
    })
    runtime.on('step.failed', (event) => {
      expectTypeOf(event.type).toEqualTypeOf<'step.failed'>()
      expectTypeOf(event.step).toEqualTypeOf<TraceStep>()
      expectTypeOf(event).not.toHaveProperty('task')
    })
    runtime.on('task.progress', (event) => {
      expectTypeOf(event.step).toEqualTypeOf<TraceStep>()
      expectTypeOf(event.task).toEqualTypeOf<Task>()
    })
  })

  it('returns an unsubscribe function', () => {
    expectTypeOf(runtime.on('task.created', () => undefined)).toEqualTypeOf<Unsubscribe>()
  })

  it('refuses an event type the runtime does not emit', () => {
    // @ts-expect-error 'task.finished' is not a runtime event type
    runtime.on('task.finished', () => undefined)
  })
})
