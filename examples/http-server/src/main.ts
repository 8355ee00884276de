import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRuntime } from '@inboard/core'
import { sqliteStorage } from '@inboard/sqlite'
import { crmTool, weatherTool } from '@inboard/example-quickstart/tools'
import { createHandler } from '@inboard/http'
import { createNodeListener } from '@inboard/http/node'
import { readConfig } from './config.js'
import { checkRestart, runSmokeSession } from './smoke-session.js'

const smoke = process.argv.includes('--smoke') || process.env.INBOARD_SMOKE === '1'
const config = readConfig(process.env)

// Tasks, waiting tasks, memory, credentials, idempotency records and the webhook outbox live in one
// SQLite file, so a restart keeps them (the smoke run uses a fresh file and restarts once to show it).
const path =
  process.env.INBOARD_DB ??
  (smoke ? join(mkdtempSync(join(tmpdir(), 'inboard-http-server-')), 'inboard.db') : './inboard.db')
// The reference plan allows 10 concurrent tasks per account; more wait as pending. The owner id
// lets a restarted server take its own unfinished tasks back at once.
const start = () =>
  createRuntime({ tools: [weatherTool, crmTool], storage: sqliteStorage({ path }), lease: { owner: 'http-server' } })
const runtime = start()
const handler = createHandler(runtime, {
  keys: config.keys,
  // A development example: the dashboard at /dashboard (enable it only in development or behind your own auth).
  dashboard: true,
  ...(config.webhookUrl && config.webhookSecret
    ? {
        webhooks: {
          url: config.webhookUrl,
          secret: config.webhookSecret,
          // Local development: the receiver usually runs on localhost.
          allowPrivateAddresses: true,
          onAttempt: (report) =>
            console.log(
              `webhook ${report.event} → ${report.url}: ${report.status ?? report.error} (${report.outcome})`,
            ),
        },
      }
    : {}),
})

const server = createServer(createNodeListener(handler))
server.listen(smoke ? 0 : config.port, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  console.log(`Inboard REST API on ${base}/v1 (OpenAPI: ${base}/v1/openapi.json), data in ${path}`)
  for (const key of config.generatedKeys)
    console.log(`No INBOARD_API_KEYS given; generated a test key:\n  export PLOTON_API_KEY=${key}`)
  if (config.generatedSecret)
    console.log(`Webhook secret (give it to your receiver):\n  export PLOTON_WEBHOOK_SECRET=${config.webhookSecret}`)
  if (!smoke) return
  const key = config.keys[0] && 'key' in config.keys[0] ? config.keys[0].key : ''
  runSmokeSession(base, key)
    .then(async (session) => {
      // Stop everything, then start a new runtime on the same file: the tasks are still there.
      await stop()
      const again = start()
      const restarted = createServer(createNodeListener(createHandler(again, { keys: config.keys })))
      await new Promise<void>((resolve) => restarted.listen(0, '127.0.0.1', resolve))
      await checkRestart(`http://127.0.0.1:${(restarted.address() as AddressInfo).port}`, key, session)
      restarted.close()
      await again.close({ deadlineMs: 1000 })
      process.exit(0)
    })
    .catch((error: unknown) => {
      console.error(error)
      return shutdown(1)
    })
})

async function stop(): Promise<void> {
  server.close()
  await handler.close()
  await runtime.close({ deadlineMs: 1000 })
}

async function shutdown(code: number): Promise<void> {
  await stop()
  process.exit(code)
}

process.once('SIGINT', () => void shutdown(0))
process.once('SIGTERM', () => void shutdown(0))
