import { isDeepStrictEqual } from 'node:util'
import { createModelPlanner } from '@inboard/ai'
import { createRuntime, type Task, type Trace } from '@inboard/core'
import { startChatService } from './chat-service.js'
import { chooseModel } from './choose-model.js'
import { BILLING_AGENT, INVOICE_TASK } from './invoice-task.js'
import { INVOICES, startPaymentsService } from './payments-service.js'
import { heading, printTask, printTrace } from './print.js'
import { chatTool, paymentsTool } from './tools.js'

// The payments and chat tools are real HTTP services on loopback ports; only the model may be faked.
const payments = await startPaymentsService()
const chat = await startChatService()
const { model, description, fake } = await chooseModel(process.env, process.argv.includes('--fake'))
console.log(`Model: ${description}`)

const runtime = createRuntime({
  tools: [paymentsTool(payments.url), chatTool(chat.url)],
  planner: createModelPlanner({ model }),
})
await runtime.subagents.deploy(BILLING_AGENT)

const problems: string[] = []
const expect = (ok: boolean, what: string): void => void (ok || problems.push(what))
const modelSteps = (trace: Trace) => trace.steps.filter((step) => step.tool === 'model')

async function run(title: string): Promise<{ task: Task; trace: Trace }> {
  heading(title)
  console.log(`  prompt: ${INVOICE_TASK.prompt}`)
  const created = await runtime.tasks.create(INVOICE_TASK)
  const task = await runtime.tasks.wait(created.id)
  const trace = await runtime.tasks.trace(task.id)
  printTask(task)
  printTrace(trace)
  return { task, trace }
}

// 1. The model plans: look up the invoice and the channel, post a summary, return the fields.
const first = await run('Run 1: the model plans the workflow')
const latest = INVOICES.find((invoice) => invoice.user_id === INVOICE_TASK.user_id)!
const result = first.task.result as Record<string, unknown> | undefined
expect(first.task.status === 'complete', `run 1 ended ${first.task.status}`)
expect(
  result?.['invoice_number'] === latest.number,
  `run 1 returned invoice_number ${JSON.stringify(result?.['invoice_number'])}, expected ${latest.number}`,
)
expect(
  String(result?.['amount_due']).includes(String(latest.amount_due)),
  `run 1 returned amount_due ${JSON.stringify(result?.['amount_due'])}`,
)
expect(
  chat.messages.length === 1 && chat.messages[0]!.channel === 'C08BILL42',
  `chat has ${JSON.stringify(chat.messages)}, expected one message in #billing (C08BILL42)`,
)
expect(chat.messages[0]?.text.includes(latest.number) === true, 'the posted summary does not name the invoice')
expect(
  modelSteps(first.trace).length >= 2,
  `run 1 made ${modelSteps(first.trace).length} model calls; the chain needs at least 2`,
)
expect((first.task.usage?.input_tokens ?? 0) > 0, 'run 1 has no token usage')
if (chat.messages[0]) console.log(`  posted to #billing: ${chat.messages[0].text}`)

// 2. The same task again: execution memory replays the plan while every call returns what it did.
const requestsBefore = fake?.requests.length
const second = await run('Run 2: the same task, replayed from execution memory')
expect(second.task.status === 'complete', `run 2 ended ${second.task.status}`)
expect(
  modelSteps(second.trace).length === 0,
  `run 2 made ${modelSteps(second.trace).length} model calls; a replay makes none`,
)
expect(fake === null || fake.requests.length === requestsBefore, 'the fake model server was asked during the replay')
expect(isDeepStrictEqual(second.task.result, first.task.result), 'run 2 returned another result')
expect(chat.messages.length === 2, `chat has ${chat.messages.length} messages after run 2, expected 2`)

await runtime.close()
await Promise.all([payments.close(), chat.close(), fake?.close()])
if (problems.length > 0) {
  console.error(`\nWrong outcome:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`)
  process.exit(1)
}
console.log(`\nThe invoice workflow ran: ${modelSteps(first.trace).length} model calls in run 1, none in run 2.`)
