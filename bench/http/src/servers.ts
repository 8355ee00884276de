import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createRuntime, type Runtime } from '@inboard/core'
import { createScriptedPlanner } from '@inboard/core/testing'
import { createHandler } from '@inboard/http'
import { createNodeListener } from '@inboard/http/node'
import { Hono } from 'hono'
import { createServer } from 'node:http'

export const BENCH_KEY = 'pk_live_benchmarkKey000000000000'

export interface Started {
  url: string
  close(): Promise<void>
}

const listen = (server: Server): Promise<string> =>
  new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  )

/** The REST API over a runtime whose planner finishes at once, so the HTTP layer is what is measured. */
export async function startInboard(): Promise<Started & { runtime: Runtime }> {
  const runtime = createRuntime({
    planner: createScriptedPlanner([{ type: 'finish', result: { ok: true } }]),
    concurrency: 100,
    retention: { maxTasks: 5000 },
  })
  const handler = createHandler(runtime, { keys: [{ key: BENCH_KEY, requestsPerMinute: 100_000_000 }] })
  const server = createServer(createNodeListener(handler))
  const url = await listen(server)
  return {
    url,
    runtime,
    async close() {
      server.closeAllConnections()
      server.close()
      await handler.close()
      await runtime.close({ deadlineMs: 1000 })
    },
  }
}

/** The baseline: a bare Hono app answering constant JSON on the same Node adapter. */
export async function startBareHono(): Promise<Started> {
  const app = new Hono()
  const body = { id: 'task_8xK2mP', status: 'running', tool: 'weather', created_at: '2025-06-15T14:22:00Z' }
  app.get('/v1/tasks/:id', (c) => c.json(body))
  const server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started as Server))
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
