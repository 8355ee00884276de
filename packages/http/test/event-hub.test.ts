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

describe('EventHub replay', () => {
  it('replays more than the buffer bound to a reader that reads, paced by its reading, then goes live', async () => {
    const runtime = createTestRuntime({ planner: done })
    const options = resolveEventStreamOptions({ maxBufferBytes: 16_384 })
    const hub = new EventHub(runtime, runtime.clock, options)
    const open = (afterId: number | null) =>
      hub.open({ key: 'key_a', scope: 'acct_a:live', afterId, types: null, task: null, taskId: null })
    // A first stream makes the hub log events; it is not read and soon dropped for that.
    open(null)
    const prompt = 'x'.repeat(1_000)
    for (let i = 0; i < 60; i++) {
      await runtime.tasks.wait((await runtime.tasks.create({ prompt }, { account: 'acct_a:live' })).id)
      await runtime.tasks.wait((await runtime.tasks.create({ prompt }, { account: 'acct_b:live' })).id)
    }
    // Well past 16 KB of this account's events wait to be replayed: 60 tasks of about 4 KB of events each.
    const replayed = open(0)
    const reader = replayed.getReader()
    const decoder = new TextDecoder()
    let text = ''
    const completions = (): number => text.split('event: task.complete\n').length - 1
    while (completions() < 60) {
      const chunk = await reader.read()
      if (chunk.done) throw new Error(`the replay ended after ${completions()} of 60 completions`)
      text += decoder.decode(chunk.value, { stream: true })
    }
    expect(text).not.toContain('acct_b')
    // Caught up, the stream carries what happens next.
    await runtime.tasks.create({ prompt: 'one more' }, { account: 'acct_a:live' })
    while (!text.includes('one more')) {
      const chunk = await reader.read()
      if (chunk.done) throw new Error('the stream ended after the replay')
      text += decoder.decode(chunk.value, { stream: true })
    }
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]))
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect(new Set(ids).size).toBe(ids.length)
    await reader.cancel()
    hub.close()
    await runtime.close()
  })

  it('closes a replaying stream whose client stops reading once what waits passes the log’s byte bound', async () => {
    const runtime = createTestRuntime({ planner: done })
    const hub = new EventHub(
      runtime,
      runtime.clock,
      resolveEventStreamOptions({ maxBufferBytes: 16_384, retention: { maxBytes: 65_536 } }),
    )
    const open = (afterId: number | null) =>
      hub.open({ key: 'key_a', scope: 'acct_a:live', afterId, types: null, task: null, taskId: null })
    // As above: a first stream starts the log, and is dropped for not reading.
    open(null)
    const prompt = 'x'.repeat(1_000)
    const run = async (count: number): Promise<void> => {
      for (let i = 0; i < count; i++)
        await runtime.tasks.wait((await runtime.tasks.create({ prompt }, { account: 'acct_a:live' })).id)
    }
    await run(20)
    open(0)
    expect(hub.openStreams).toBe(1)
    // Nobody reads the replay; what arrives next queues behind it until the bound closes the stream.
    await run(20)
    expect(hub.openStreams).toBe(0)
    hub.close()
    await runtime.close()
  })
})
