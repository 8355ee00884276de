import { isRemoteEvent, type EventBus, type RuntimeEvent } from '../events.js'

type Watcher = (event: RuntimeEvent, remote: boolean) => void

/** The other processes' events a wait can end on (the fleet always sends these). */
const SETTLING = ['task.waiting', 'task.complete', 'task.failed', 'task.cancelled'] as const

/**
 * Listeners per task id over one bus subscription, for `wait()`: many waits cost one map lookup
 * per event, not one listener call each. Subscribes while anyone watches. Of other processes'
 * events it hears only the ones that can end a wait, so that the fleet does not send it the rest.
 */
export class TaskWatchers {
  readonly #bus: EventBus
  readonly #watchers = new Map<string, Set<Watcher>>()
  #unsubscribe: (() => void) | null = null

  constructor(bus: EventBus) {
    this.#bus = bus
  }

  /** Every event of this process's tasks, and of other processes' the ones that settle a wait. */
  #listen(): () => void {
    const dispatch = (event: RuntimeEvent, remote: boolean): void => {
      const watching = this.#watchers.get(event.task_id)
      if (!watching) return
      for (const each of [...watching]) each(event, remote)
    }
    const stops = [
      this.#bus.subscribe((event) => dispatch(event, false), { remote: false }),
      ...SETTLING.map((type) => this.#bus.on(type, (event) => void (isRemoteEvent(event) && dispatch(event, true)))),
    ]
    return () => {
      for (const stop of stops) stop()
    }
  }

  /** Calls `watcher` with every event about the task until the returned function is called. */
  watch(taskId: string, watcher: Watcher): () => void {
    let set = this.#watchers.get(taskId)
    if (!set) this.#watchers.set(taskId, (set = new Set()))
    set.add(watcher)
    this.#unsubscribe ??= this.#listen()
    return () => {
      set.delete(watcher)
      if (set.size === 0 && this.#watchers.get(taskId) === set) this.#watchers.delete(taskId)
      if (this.#watchers.size === 0 && this.#unsubscribe) {
        this.#unsubscribe()
        this.#unsubscribe = null
      }
    }
  }
}
