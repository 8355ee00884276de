import { createHandler, type WebhookAttemptReport } from '@inboard/http'
import { createFakeClock, createTestRuntime } from '@inboard/core/testing'
import { sqliteStorage } from '@inboard/sqlite'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startReceiver } from './support/webhook-receiver.js'
import { testPlanner, testTools } from './support/test-server.js'

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const dir = mkdtempSync(join(tmpdir(), 'inboard-webhook-restart-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the webhook outbox in a SQLite file', () => {
  it('delivers after a restart what was pending when the process stopped, with the same event id', async () => {
    let up = false
    const receiver = await startReceiver([], () => (up ? 200 : 500))
    const path = join(dir, 'inboard.db')
    const webhooks = (reports: WebhookAttemptReport[]) => ({
      url: `${receiver.url}/hook`,
      secret: SECRET,
      allowPrivateAddresses: true,
      onAttempt: (report: WebhookAttemptReport) => reports.push(report),
    })
    try {
      // The first process: the receiver answers 500, so the events stay in the outbox, and then
      // the process is gone (never closed, its clock never moves again).
      const first = createTestRuntime({
        tools: testTools(),
        planner: testPlanner,
        storage: sqliteStorage({ path }),
        clock: createFakeClock(Date.now()),
      })
      const before: WebhookAttemptReport[] = []
      const handler = createHandler(first, { clock: first.clock, webhooks: webhooks(before) })
      const task = await first.tasks.create({ prompt: 'weather in San Francisco' })
      await first.tasks.wait(task.id)
      for (let i = 0; i < 5 && before.length === 0; i++) {
        await first.clock.advance(0)
        await handler.webhooksIdle()
      }
      const failed = before.filter((report) => report.outcome === 'retrying')
      expect(failed.length).toBeGreaterThan(0)

      // A new process on the same file, later: the receiver now answers 2xx.
      receiver.received.length = 0
      up = true
      const later = createFakeClock(Date.now() + 10 * 60_000)
      const second = createTestRuntime({
        tools: testTools(),
        planner: testPlanner,
        storage: sqliteStorage({ path }),
        clock: later,
      })
      const after: WebhookAttemptReport[] = []
      const restarted = createHandler(second, { clock: later, webhooks: webhooks(after) })
      await second.ready()
      for (
        let i = 0;
        i < 10 &&
        !failed.every((report) =>
          after.some((seen) => seen.event_id === report.event_id && seen.outcome === 'delivered'),
        );
        i++
      ) {
        await later.advance(1_000)
        await restarted.webhooksIdle()
      }
      for (const report of failed)
        expect(after).toContainEqual(
          expect.objectContaining({ event_id: report.event_id, task_id: task.id, outcome: 'delivered' }),
        )
      const ids = receiver.received.map((hook) => (JSON.parse(hook.body) as { id: string }).id)
      for (const report of failed) expect(ids).toContain(report.event_id)
      await restarted.close()
      await second.close({ deadlineMs: 0 })
    } finally {
      await receiver.close()
    }
  })
})
