import { defineTool, type Tool } from '@inboard/tools'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createDefaultPlanner } from '@inboard/core'
import { createTestRuntime } from '@inboard/core/testing'

function tools(log: string[]): Tool[] {
  return [
    defineTool({
      name: 'sql',
      description: 'Read-only SQL access to company databases',
      capabilities: {
        run_query: {
          description: 'Run a read-only SQL query and return the rows',
          input: z.object({ database: z.string(), sql: z.string().describe('A SELECT statement') }),
          run: ({ sql }) => (log.push(`sql.run_query ${sql}`), { rows: [] }),
        },
      },
    }),
    defineTool({
      name: 'data',
      description: 'Database backups',
      capabilities: {
        backup_database: {
          description: 'Take a backup of a database now',
          input: z.object({ database: z.string().describe('Database name such as orders') }),
          sideEffects: true,
          run: ({ database }) => (log.push(`data.backup_database ${database}`), { backup_id: 'bk_1' }),
        },
      },
    }),
  ]
}

describe('default planner: code in a request', () => {
  it('sends a query in backticks to the capability that takes code, not to one whose name shares a noun with the request', async () => {
    const log: string[] = []
    const runtime = createTestRuntime({
      tools: tools(log),
      planner: createDefaultPlanner(),
      memory: { enabled: false },
    })
    try {
      const task = await runtime.tasks.create({
        prompt: "run `SELECT count(*) FROM orders WHERE status = 'paid'` on the analytics database",
      })
      expect((await runtime.tasks.wait(task.id, { until: 'waiting' })).status).toBe('complete')
      expect(log).toEqual(["sql.run_query SELECT count(*) FROM orders WHERE status = 'paid'"])
    } finally {
      await runtime.close({ deadlineMs: 0 })
    }
  })
})
