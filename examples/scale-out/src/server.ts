// One process of the app: the http-server example's REST API, with its tasks in Postgres and handed
// out by BullMQ. Start it as many times as you like (one PORT each); all of them are one runtime.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { bullmqQueue } from '@inboard/bullmq'
import { createRuntime } from '@inboard/core'
import { crmTool, weatherTool } from '@inboard/example-quickstart/tools'
import { createHandler } from '@inboard/http'
import { createNodeListener } from '@inboard/http/node'
import { postgresStorage } from '@inboard/postgres'
import { readConfig } from './config.js'

const config = readConfig(process.env)

const runtime = createRuntime({
  tools: [weatherTool, crmTool],
  storage: postgresStorage({ connectionString: config.databaseUrl, schema: config.schema }),
  queue: bullmqQueue({ connection: config.redisUrl, prefix: config.queuePrefix }),
})
await runtime.ready()
const handler = createHandler(runtime, { keys: config.keys.map((key) => ({ key })) })

const server = createServer(createNodeListener(handler))
server.listen(config.port, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  console.log(
    `Inboard REST API on ${base}/v1 (${config.name}; schema ${config.schema}, queue prefix ${config.queuePrefix})`,
  )
})

async function shutdown(): Promise<void> {
  server.close()
  await handler.close()
  await runtime.close({ deadlineMs: 2_000 })
  process.exit(0)
}

process.once('SIGINT', () => void shutdown())
process.once('SIGTERM', () => void shutdown())
