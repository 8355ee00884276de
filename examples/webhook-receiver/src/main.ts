import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { createRuntime } from '@inboard/core'
import { weatherTool } from '@inboard/example-quickstart/tools'
import { createHandler } from '@inboard/http'
import { createReceiver } from './receiver.js'

const smoke = process.argv.includes('--smoke') || process.env.INBOARD_SMOKE === '1'
const secret = process.env.PLOTON_WEBHOOK_SECRET ?? `whsec_${randomBytes(24).toString('base64')}`

if (!smoke) {
  const port = Number(process.env.PORT ?? 8788)
  createReceiver(secret, (event) =>
    console.log(`${event.event} for ${event.task_id}:`, JSON.stringify(event.data)),
  ).listen(port, '127.0.0.1', () => {
    console.log(`Receiving webhooks on http://127.0.0.1:${port}/webhook`)
    if (!process.env.PLOTON_WEBHOOK_SECRET) console.log(`Start the server with INBOARD_WEBHOOK_SECRET=${secret}`)
  })
} else {
  await runSmoke()
}

/** Sends real webhooks from an in-process handler to the receiver, then replays one and forges one. */
async function runSmoke(): Promise<void> {
  let complete: { body: Buffer; headers: Record<string, string> } | null = null
  let resolveComplete: () => void = () => undefined
  const completed = new Promise<void>((resolve) => (resolveComplete = resolve))
  const receiver = createReceiver(secret, (event, raw) => {
    console.log(`processed ${event.event} for ${event.task_id}: ${JSON.stringify(event.data)}`)
    if (event.event !== 'task.complete') return
    complete = {
      body: raw.body,
      headers: Object.fromEntries(Object.entries(raw.headers).map(([name, value]) => [name, String(value)])),
    }
    resolveComplete()
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook`
  const runtime = createRuntime({ tools: [weatherTool] })
  const handler = createHandler(runtime, { webhooks: { url, secret, allowPrivateAddresses: true } })
  await runtime.tasks.create({
    prompt: 'Look up the current weather in San Francisco and return temperature, conditions, and humidity',
  })
  await completed
  await handler.webhooksIdle()

  // At-least-once delivery: the same event may come twice. It is acknowledged, not processed again.
  const delivered = complete as { body: Buffer; headers: Record<string, string> } | null
  const replay = await fetch(url, { method: 'POST', headers: delivered?.headers ?? {}, body: delivered?.body ?? '' })
  console.log(`replayed delivery answered ${replay.status}`)
  const forged = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-ploton-signature': '0'.repeat(64) },
    body: '{"event":"task.complete"}',
  })
  console.log(`forged delivery answered ${forged.status}`)
  await handler.close()
  await runtime.close({ deadlineMs: 1000 })
  receiver.close()
  process.exit(forged.status === 401 && replay.status === 200 ? 0 : 1)
}
