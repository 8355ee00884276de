import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { transition, initialTransition } from 'xstate'
import { InboardError, type PlannerDecision, type RuntimeEvent, type TaskStatus } from '@inboard/core'
import { createTestRuntime } from '@inboard/core/testing'
// The machine and its compiled table are internal; this test is their one consumer outside the runtime.
import { nextStatus, taskMachine } from '../src/task/task-machine.js'

const STATUSES: TaskStatus[] = ['pending', 'running', 'waiting', 'complete', 'failed', 'cancelled']
const EVENTS = ['START', 'WAIT', 'REQUEUE', 'COMPLETE', 'FAIL', 'CANCEL'] as const
const TERMINAL = new Set<TaskStatus>(['complete', 'failed', 'cancelled'])
const EVENT_STATUS: Record<string, TaskStatus> = {
  'task.created': 'pending',
  'task.running': 'running',
  'task.waiting': 'waiting',
  'task.complete': 'complete',
  'task.failed': 'failed',
  'task.cancelled': 'cancelled',
}

/** Whether xstate itself allows `from → to` by some event. */
function legal(from: TaskStatus, to: TaskStatus): boolean {
  const snapshot = taskMachine.resolveState({ value: from })
  return EVENTS.some((type) => {
    const [next] = transition(taskMachine, snapshot, { type })
    return next.value === to && next !== snapshot && from !== to
  })
}

type Command = { kind: 'create' } | { kind: 'finish' | 'fail' | 'ask' | 'cancel' | 'input' | 'race'; index: number }

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.constant<Command>({ kind: 'create' }),
  fc.record({
    kind: fc.constantFrom('finish', 'fail', 'ask', 'cancel', 'input', 'race'),
    index: fc.nat(7),
  }) as fc.Arbitrary<Command>,
)

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('task machine', () => {
  it('compiles to a lookup table that agrees with xstate on every state and event', () => {
    const [initial] = initialTransition(taskMachine)
    expect(initial.value).toBe('pending')
    for (const from of STATUSES) {
      const snapshot = taskMachine.resolveState({ value: from })
      for (const type of EVENTS) {
        const [next] = transition(taskMachine, snapshot, { type })
        const byXstate = next.value === from && next === snapshot ? undefined : next.value
        expect(nextStatus(from, type), `${from} --${type}-->`).toBe(byXstate)
      }
    }
    expect(nextStatus('complete', 'CANCEL')).toBeUndefined()
    expect(nextStatus('waiting', 'START')).toBe('running')
  })

  it('keeps every task on legal transitions, terminal once, under random operations and races', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(command, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 3 }),
        async (commands, concurrency) => {
          const decisions = new Map<string, (decision: PlannerDecision) => void>()
          const runtime = createTestRuntime({
            concurrency,
            planner: { name: 'remote', plan: (ctx) => new Promise((resolve) => decisions.set(ctx.task.id, resolve)) },
          })
          const events: RuntimeEvent[] = []
          runtime.subscribe((event) => events.push(event))
          const ids: string[] = []
          const decide = (id: string, decision: PlannerDecision): void => {
            const resolve = decisions.get(id)
            decisions.delete(id)
            resolve?.(decision)
          }
          for (const step of commands) {
            if (step.kind === 'create') {
              ids.push((await runtime.tasks.create({ prompt: `task ${ids.length}` })).id)
              continue
            }
            const id = ids[step.index % Math.max(ids.length, 1)]
            if (id === undefined) continue
            const before = (await runtime.tasks.get(id)).status
            switch (step.kind) {
              case 'finish':
                decide(id, { type: 'finish', result: step.index })
                break
              case 'fail':
                decide(id, { type: 'fail', message: 'no' })
                break
              case 'ask':
                decide(id, { type: 'ask', message: 'more?', fields: [] })
                break
              case 'input':
                try {
                  await runtime.tasks.sendInput(id, { message: 'here' })
                  expect(before).toBe('waiting')
                } catch (error) {
                  expect(error).toBeInstanceOf(InboardError)
                  expect((error as InboardError).code).toBe(
                    TERMINAL.has(before) ? 'task_already_complete' : 'task_not_waiting',
                  )
                }
                break
              case 'cancel':
              case 'race':
                if (step.kind === 'race') decide(id, { type: 'finish', result: 'raced' })
                try {
                  expect((await runtime.tasks.cancel(id)).status).toBe('cancelled')
                  expect(TERMINAL.has(before)).toBe(false)
                } catch (error) {
                  expect((error as InboardError).code).toBe('task_already_complete')
                  expect(TERMINAL.has(before)).toBe(true)
                }
                break
            }
            await tick()
          }
          for (const id of ids) decide(id, { type: 'finish', result: 'end' })
          await tick()
          for (const id of ids) {
            const statuses = events
              .filter((event) => event.task_id === id && event.type in EVENT_STATUS)
              .map((event) => EVENT_STATUS[event.type]!)
            expect(statuses[0]).toBe('pending')
            for (let i = 1; i < statuses.length; i++)
              expect(legal(statuses[i - 1]!, statuses[i]!), `${statuses[i - 1]} → ${statuses[i]}`).toBe(true)
            const terminal = statuses.filter((status) => TERMINAL.has(status))
            expect(terminal.length).toBeLessThanOrEqual(1)
            const final = (await runtime.tasks.get(id)).status
            if (terminal.length === 1) expect(final).toBe(terminal[0])
            expect(statuses.at(-1)).toBe(final)
          }
          const closing = runtime.close({ deadlineMs: 0 })
          await runtime.clock.advance(1)
          await closing
        },
      ),
      { numRuns: 150 },
    )
  })
})
