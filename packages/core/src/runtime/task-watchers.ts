import { isRemoteEvent, type EventBus, type RuntimeEvent } from '../events.js'

type Watcher = (event: RuntimeEvent, remote: boolean) => void

/**
 * Listeners per task id over one bus subscription, for `wait()`: many waits cost one map lookup
 * per event, not one listener call each. Subscribes while anyone watches.
 */
export class TaskWatchers {
  readonly #bus: EventBus
  readonly #watchers = new Map<string, Set<Watcher>>()
  #unsubscribe: (() => void) | null = null

  constructor(bus: EventBus) {
    this.#bus = bus
  }

  /** Calls `watcher` with every event about the task until the returned function is called. */
  watch(taskId: string, watcher: Watcher): () => void {
    let set = this.#watchers.get(taskId)
    if (!set) this.#watchers.set(taskId, (set = new Set()))
    set.add(watcher)
    this.#unsubscribe ??= this.#bus.subscribe((event) => {
      const watching = this.#watchers.get(event.task_id)
      if (!watching) return
      const remote = isRemoteEvent(event)
      for (const each of [...watching]) each(event, remote)
    })
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
