import { createServer, connect, type Server, type Socket } from 'node:net'
import { createRuntime, InboardError, type Runtime } from '@inboard/core'
import { bullmqQueue } from '@inboard/bullmq'
import { postgresStorage } from '@inboard/postgres'
import { createScriptedPlanner } from '@inboard/core/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { dropSchema, POSTGRES_URL, REDIS_URL, serversMissing, uniqueName } from '../../../test/scale/test-servers.js'
import { deleteKeys } from './fleet.js'

const missing = await serversMissing({ redis: true })

/** A TCP proxy in front of the real Redis that can drop every connection and refuse new ones, then come back. */
class RedisProxy {
  port = 0
  #server: Server | null = null
  readonly #sockets = new Set<Socket>()

  async start(): Promise<void> {
    const upstream = new URL(REDIS_URL)
    this.#server = createServer((client) => {
      const server = connect({ host: upstream.hostname, port: Number(upstream.port || 6379) })
      for (const socket of [client, server]) {
        this.#sockets.add(socket)
        socket.on('error', () => undefined)
        socket.on('close', () => this.#sockets.delete(socket))
      }
      client.pipe(server).pipe(client)
      client.on('close', () => server.destroy())
      server.on('close', () => client.destroy())
    })
    await new Promise<void>((resolve) => this.#server!.listen(this.port, '127.0.0.1', resolve))
    this.port = (this.#server.address() as { port: number }).port
  }

  async drop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()))
    this.#server = null
  }
}

const until = async (check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe.skipIf(missing !== null)('a Redis connection lost while running', () => {
  let runtime: Runtime | null = null
  const schema = uniqueName('inboard_q')
  const prefix = uniqueName('inboard_q')
  const proxy = new RedisProxy()
  afterEach(async () => {
    await runtime?.close({ deadlineMs: 2_000 })
    await proxy.drop()
    await dropSchema(schema)
    await deleteKeys(prefix)
  })

  it('keeps accepted tasks, refuses new ones with a recoverable queue_unavailable, and reconnects with backoff without crashing', async () => {
    await proxy.start()
    const reported: string[] = []
    runtime = createRuntime({
      onError: (_error, { message }) => void reported.push(message),
      storage: postgresStorage({ connectionString: POSTGRES_URL, schema }),
      queue: bullmqQueue({ connection: { host: '127.0.0.1', port: proxy.port }, prefix }),
      planner: createScriptedPlanner([{ type: 'finish', result: { ok: true } }]),
    })
    const before = await runtime.tasks.create({ prompt: 'Before the outage' })
    expect(await runtime.tasks.wait(before.id)).toMatchObject({ status: 'complete' })

    await proxy.drop()
    let refused: unknown = null
    await until(async () => {
      refused = await runtime!.tasks.create({ prompt: 'During the outage' }).then(
        () => null,
        (error: unknown) => error,
      )
      return refused !== null
    })
    expect(refused).toBeInstanceOf(InboardError)
    expect(refused).toMatchObject({ code: 'queue_unavailable', recoverable: true })
    expect(await runtime.tasks.get(before.id)).toMatchObject({ status: 'complete' })
    // The loss reaches the runtime's onError (when a client sees the error, which may follow the
    // refusal), once, naming the host; nothing is printed.
    await until(async () => reported.some((message) => message.includes('lost Redis')))
    expect(reported.filter((message) => message.includes('lost Redis'))).toEqual([
      `the queue lost Redis at 127.0.0.1:${proxy.port}; reconnecting`,
    ])

    await proxy.start()
    let after: Awaited<ReturnType<Runtime['tasks']['create']>> | null = null
    await until(async () => {
      after = await runtime!.tasks.create({ prompt: 'After the outage' }).catch(() => null)
      return after !== null
    })
    expect(await runtime.tasks.wait(after!.id)).toMatchObject({ status: 'complete' })
  })
})
