import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Planner, Runtime, Storage } from '@inboard/core'
import { createScriptedTool, createTestRuntime, type TestRuntime } from '@inboard/core/testing'
import type { Tool } from '@inboard/tools'
import { createHandler, type HandlerOptions, type InboardHandler } from '@inboard/http'
import { createNodeListener } from '@inboard/http/node'

export const TEST_KEY = 'pk_test_4eC39HqLyjWDarjtT1zdp7dc'
export const LIVE_KEY = 'pk_live_9aB72KqPzXcVbNmLkJhGfDsA'
export const OTHER_ACCOUNT_KEY = 'pk_test_Zz81yXwVuTsRqPoNmLkJiHgF'

/**
 * Decides by prompt words, so one runtime covers every case: "ask" waits for input, "hang" runs
 * until cancelled, "fail" fails, anything else calls weather.current and returns its output.
 */
export const testPlanner: Planner = {
  name: 'test',
  plan(context) {
    const prompt = context.task.prompt
    if (prompt.includes('fail')) return { type: 'fail', message: 'The task was told to fail', recoverable: false }
    if (prompt.includes('ask')) {
      if (context.input.messages.length === 0 && Object.keys(context.input.values).length === 0) {
        return {
          type: 'ask',
          message: 'Which city?',
          fields: [{ name: 'city', description: 'A city', type: 'string' }],
        }
      }
      return { type: 'finish', result: { messages: context.input.messages, values: context.input.values } }
    }
    if (prompt.includes('hang') && context.history.length === 0)
      return { type: 'call', calls: [{ tool: 'slow', capability: 'wait', input: {} }] }
    if (context.history.length === 0)
      return { type: 'call', calls: [{ tool: 'weather', capability: 'current', input: { location: 'San Francisco' } }] }
    return { type: 'finish', result: context.history.at(-1)?.output ?? null }
  },
}

export function testTools(): Tool[] {
  return [
    createScriptedTool({
      name: 'weather',
      description: 'Current weather',
      tags: ['weather', 'forecast'],
      capabilities: { current: [{ temperature: '62°F', conditions: 'Partly cloudy', humidity: '73%' }] },
    }),
    createScriptedTool({
      name: 'slow',
      description: 'Waits until cancelled',
      capabilities: {
        wait: [
          (_input: unknown, ctx: { signal: AbortSignal }) =>
            new Promise((_resolve, reject) =>
              ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error)),
            ),
        ],
      },
    }),
  ]
}

export interface TestServer {
  base: string
  origin: string
  runtime: TestRuntime
  handler: InboardHandler
  /** fetch relative to the base URL with the given key (TEST_KEY unless null or another key). */
  call(path: string, init?: RequestInit & { key?: string | null; json?: unknown }): Promise<Response>
  close(): Promise<void>
}

/** A runtime on a fake clock behind a real node:http server on an ephemeral port. */
export async function startTestServer(
  options: { handler?: HandlerOptions; runtime?: Parameters<typeof createTestRuntime>[0] } = {},
): Promise<TestServer> {
  const runtime = createTestRuntime({ tools: testTools(), planner: testPlanner, ...options.runtime })
  const handler = createHandler(runtime, {
    clock: runtime.clock,
    keys: [{ key: TEST_KEY }, { key: LIVE_KEY }, { key: OTHER_ACCOUNT_KEY, account: 'acct_other' }],
    ...options.handler,
  })
  const server = createServer(createNodeListener(handler))
  const origin = await listen(server)
  const base = `${origin}/v1`
  return {
    base,
    origin,
    runtime,
    handler,
    call(path, init = {}) {
      const { key = TEST_KEY, json, ...rest } = init
      const headers = new Headers(rest.headers)
      if (key !== null) headers.set('authorization', `Bearer ${key}`)
      if (json !== undefined) headers.set('content-type', 'application/json')
      return fetch(base + path, {
        ...rest,
        headers,
        ...(json === undefined ? {} : { method: rest.method ?? 'POST', body: JSON.stringify(json) }),
      })
    },
    async close() {
      await handler.close()
      await closeServer(server)
      await closeRuntime(runtime)
    },
  }
}

export function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  )
}

export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}

/** Closes a runtime without waiting out tasks that never end (the fake clock would never fire the deadline). */
async function closeRuntime(runtime: TestRuntime | Runtime): Promise<void> {
  for (;;) {
    const pages = await Promise.all(
      (['running', 'waiting', 'pending'] as const).map((status) => runtime.tasks.list({ status, limit: 100 })),
    )
    const open = pages.flatMap((page) => page.data)
    if (open.length === 0) break
    for (const task of open) {
      try {
        await runtime.tasks.cancel(task.id)
      } catch {
        // Finished between the list and the cancel.
      }
    }
  }
  await runtime.close({ deadlineMs: 0 })
}

/** The ids of the deliveries in a storage's outbox, followed through its writes. */
export function outboxIds(storage: Storage): () => string[] {
  const ids = new Set<string>()
  const put = storage.outbox.put.bind(storage.outbox)
  const remove = storage.outbox.remove.bind(storage.outbox)
  storage.outbox.put = async (delivery) => {
    await put(delivery)
    ids.add(delivery.id)
  }
  storage.outbox.remove = async (id) => {
    await remove(id)
    ids.delete(id)
  }
  return () => [...ids]
}
