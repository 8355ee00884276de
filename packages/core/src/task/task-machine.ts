import { setup } from 'xstate'
import type { TaskStatus } from './task-types.js'

/** Events that move a task between states. */
export type TaskEventType = 'START' | 'WAIT' | 'REQUEUE' | 'COMPLETE' | 'FAIL' | 'CANCEL'

/**
 * The task lifecycle as an xstate machine: the single definition of which status changes are legal.
 * Additions to the reference diagram: `waiting → pending` (REQUEUE), a resumed task that finds no
 * free slot queues again instead of claiming to run; `running → pending` (REQUEUE), a task taken
 * over from a process that died queues again; `pending → failed` and `waiting → failed`, for
 * tasks a closing runtime can no longer run.
 */
export const taskMachine = setup({
  types: {},
}).createMachine({
  id: 'task',
  initial: 'pending',
  states: {
    pending: { on: { START: 'running', CANCEL: 'cancelled', FAIL: 'failed' } },
    running: { on: { REQUEUE: 'pending', WAIT: 'waiting', COMPLETE: 'complete', FAIL: 'failed', CANCEL: 'cancelled' } },
    waiting: { on: { START: 'running', REQUEUE: 'pending', CANCEL: 'cancelled', FAIL: 'failed' } },
    complete: { type: 'final' },
    failed: { type: 'final' },
    cancelled: { type: 'final' },
  },
})

type Table = Readonly<Record<TaskStatus, Readonly<Partial<Record<TaskEventType, TaskStatus>>>>>

/**
 * The machine's transition function compiled to a lookup table once at load. Interpreting the
 * machine per event costs ~25 µs (measured); the table answers the same question in nanoseconds
 * and a test checks it against xstate's own `transition()` for every state and event.
 */
const TABLE: Table = (() => {
  const states = taskMachine.config.states ?? {}
  const table: Partial<Record<TaskStatus, Partial<Record<TaskEventType, TaskStatus>>>> = {}
  for (const [state, node] of Object.entries(states)) {
    const on = (node as { on?: Record<string, string> }).on ?? {}
    table[state as TaskStatus] = Object.fromEntries(Object.entries(on))
  }
  return table as Table
})()

/** The status after `event`, or undefined when the machine does not allow it from `status`. */
export function nextStatus(status: TaskStatus, event: TaskEventType): TaskStatus | undefined {
  return TABLE[status][event]
}

/** Terminal statuses never change again. */
export function isTerminal(status: TaskStatus): boolean {
  return status === 'complete' || status === 'failed' || status === 'cancelled'
}
