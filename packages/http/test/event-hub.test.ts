import { describe, expect, it } from 'vitest'
import type { Planner } from '@inboard/core'
import { createTestRuntime } from '@inboard/core/testing'
import { EventHub } from '../src/events/event-hub.js'
import { resolveEventStreamOptions } from '../src/events/events-options.js'

const done: Planner = { name: 'done', plan: () => ({ type: 'finish', result: { ok: true } }) }

/** Reads a stream's text until `count` frames of `type` have arrived. */
async function readUntil(body: ReadableStream<Uint8Array>, type: string, count: number): Promise<void> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  while (text.split(`event: ${type}\n`).length - 1 < count) {
    const chunk = await reader.read()
    if (chunk.done) throw new Error('the stream ended early')
    text += decoder.decode(chunk.value, { stream: true })
  }
  await reader.cancel()
}

describe('EventHub memory', () => {
  it("forgets which scope a task belongs to once the task's last event has gone out", async () => {
    const runtime = createTestRuntime({ planner: done })
    const hub = new EventHub(runtime, runtime.clock, resolveEventStreamOptions())
    const body = hub.open({ key: 'key_a', scope: 'acct_a:live', afterId: null, types: null, task: null, taskId: null })
    const read = readUntil(body, 'task.complete', 40)
    for (let i = 0; i < 40; i++) {
      const mine = await runtime.tasks.create({ prompt: `task ${i}` }, { account: 'acct_a:live' })
      const theirs = await runtime.tasks.create({ prompt: `task ${i}` }, { account: 'acct_b:live' })
      await runtime.tasks.wait(mine.id)
      await runtime.tasks.wait(theirs.id)
    }
    await read
    // 80 tasks were looked up (40 owned, 40 another account's); none stays once it has ended.
    expect(hub.verdicts).toBe(0)
    hub.close()
    await runtime.close()
  })
})
