import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFakeClock, createTestRuntime } from '@inboard/core/testing'
import { sqliteStorage } from '@inboard/sqlite'
import { callThenFinish, gets, limitedService, run } from '../../core/test/memory-fixtures.js'
import { tempDir } from './fixtures/files.js'

let temp: Awaited<ReturnType<typeof tempDir>>
beforeEach(async () => {
  temp = await tempDir()
})
afterEach(async () => {
  await temp.remove()
})

describe('execution memory in the SQLite file', () => {
  it('survives a restart of the runtime and paces from the first call after it', async () => {
    const clock = createFakeClock()
    const { state, tool } = limitedService(clock, { limit: 5, windowMs: 1_000 })

    const before = createTestRuntime({
      tools: [tool],
      planner: callThenFinish(() => gets(8)),
      clock,
      storage: sqliteStorage({ path: temp.file() }),
    })
    // SQLite answers in real time while the fake clock stands still: load memory before running.
    expect(await before.memory.get(null)).toEqual([])
    const learned = await run(before, { prompt: 'get items' })
    expect(state.limited).toBe(1)
    await before.close()

    const after = createTestRuntime({
      tools: [tool],
      planner: callThenFinish(() => gets(8)),
      clock,
      storage: sqliteStorage({ path: temp.file() }),
    })
    const entries = await after.memory.get(null)
    expect(entries.find((entry) => entry.kind === 'rate_limit')).toMatchObject({
      value: { limit: 5, window_ms: 1_000 },
      provenance: { task_id: learned.task.id },
    })
    await clock.advance(1_000)
    const restarted = await run(after, { prompt: 'get items' })
    expect(restarted.notes).toContain('paced to learned limit 5/1s')
    expect(restarted.notes).toContain("replayed plan for 'get items'")
    expect(state.limited).toBe(1)
    // The task that taught it is in the file too.
    expect((await after.tasks.get(learned.task.id)).status).toBe('complete')
    await after.close()
  })
})
