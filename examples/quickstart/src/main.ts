import { createRuntime } from '@inboard/core'
import { heading, printResult, printStatusChanges, printTrace } from './print.js'
import { crmTool, weatherTool } from './tools.js'

// Everything below runs offline and in-process: the tools talk to demo services in this folder.
const runtime = createRuntime({ tools: [weatherTool, crmTool] })
printStatusChanges(runtime)

await runtime.subagents.deploy({
  name: 'weather-agent',
  prompt: 'Weather: current conditions, temperature and forecasts',
})
await runtime.subagents.deploy({
  name: 'crm-agent',
  prompt: 'Handle CRM tasks: pull contacts, deals and pipeline data',
})

async function run(title: string, prompt: string, options: { sub_agent?: string; user_id?: string } = {}) {
  heading(title)
  console.log(`  prompt: ${prompt}`)
  const task = await runtime.tasks.create({ prompt, ...options })
  const done = await runtime.tasks.wait(task.id, { until: 'waiting' })
  return done
}

// 1. The quickstart weather task: no sub_agent given, so the runtime routes it.
const weather = await run(
  'Weather',
  'Look up the current weather in San Francisco and return temperature, conditions, and humidity',
)
printResult(weather)
printTrace(await runtime.tasks.trace(weather.id))

// 2. The CRM task from the reference, for one end user.
const deals = await run(
  'CRM deals',
  'Pull all deals in the Negotiation stage for user_123. Return deal name, amount, close date, and associated contact email',
  { sub_agent: 'crm-agent', user_id: 'user_123' },
)
printResult(deals)
printTrace(await runtime.tasks.trace(deals.id))

// 3. A task missing a required value waits for input, then resumes where it stopped.
const contact = await run('Waiting for input', 'Look up a contact in the CRM', {
  sub_agent: 'crm-agent',
  user_id: 'user_123',
})
console.log(`  waiting for: ${contact.waiting?.fields?.map((field) => field.name).join(', ')}`)
await runtime.tasks.sendInput(contact.id, { values: { email: 'jane@acme.com' } })
const resumed = await runtime.tasks.wait(contact.id)
printResult(resumed)
printTrace(await runtime.tasks.trace(contact.id))

// 4. A slow export cancelled mid-run: the in-flight call is aborted through its AbortSignal.
heading('Cancelled mid-run')
const exporting = await runtime.tasks.create({
  prompt: 'Export all contacts to CSV',
  sub_agent: 'crm-agent',
  user_id: 'user_123',
})
await new Promise((resolve) => setTimeout(resolve, 300))
await runtime.tasks.cancel(exporting.id)
printResult(await runtime.tasks.wait(exporting.id))
printTrace(await runtime.tasks.trace(exporting.id))

await runtime.close()
const statuses = [weather, deals, resumed].map((task) => task.status)
if (statuses.some((status) => status !== 'complete')) {
  console.error(`\nUnexpected outcome: ${statuses.join(', ')}`)
  process.exit(1)
}
console.log('\nAll quickstart scenarios ran.')
