import { performance } from 'node:perf_hooks'
import { createOpenAI } from '@ai-sdk/openai'
import { createModelPlanner } from '@inboard/ai'
import { createFakeModelServer } from '@inboard/ai/testing'
import { createRuntime } from '@inboard/core'
import { startChatService } from '@inboard/example-model-planner/chat-service'
import { BILLING_AGENT, INVOICE_TASK } from '@inboard/example-model-planner/invoice-task'
import { startPaymentsService } from '@inboard/example-model-planner/payments-service'
import { invoiceWorkflowTurn } from '@inboard/example-model-planner/scripted-model'
import { chatTool, paymentsTool } from '@inboard/example-model-planner/tools'

export interface ModelRun {
  latencyMs: number
  /** Requests the fake model server received during the run. */
  modelCalls: number
  status: string
}

/**
 * The model-planner example's invoice workflow, run `runs` times unchanged with execution memory
 * on: the model is the fake model server from `@inboard/ai/testing` behind `@ai-sdk/openai` over
 * HTTP, answering each request after `latencyMs` (as a hosted model would), and the payments and
 * chat tools are the example's HTTP services. Latency is wall time from create to the finished task.
 */
export async function modelPlannerRuns(options: { runs: number; latencyMs: number }): Promise<ModelRun[]> {
  const payments = await startPaymentsService()
  const chat = await startChatService()
  const fake = await createFakeModelServer((request) => ({
    ...invoiceWorkflowTurn(request),
    delayMs: options.latencyMs,
  }))
  const model = createOpenAI({ baseURL: fake.url, apiKey: 'not-needed' }).chat('gpt-4.1-mini')
  const runtime = createRuntime({
    tools: [paymentsTool(payments.url), chatTool(chat.url)],
    planner: createModelPlanner({ model }),
  })
  await runtime.subagents.deploy(BILLING_AGENT)
  const runs: ModelRun[] = []
  try {
    for (let run = 0; run < options.runs; run++) {
      const before = fake.requests.length
      const started = performance.now()
      const task = await runtime.tasks.wait((await runtime.tasks.create(INVOICE_TASK)).id)
      runs.push({
        latencyMs: performance.now() - started,
        modelCalls: fake.requests.length - before,
        status: task.status,
      })
    }
  } finally {
    await runtime.close()
    await Promise.all([payments.close(), chat.close(), fake.close()])
  }
  return runs
}

export interface ModelProgression {
  /** Median latency of the run across rounds; model calls: the most any round made in it. */
  run1: { latencyMs: number; modelCalls: number }
  run5: { latencyMs: number; modelCalls: number }
  run50: { latencyMs: number; modelCalls: number }
  /** The most model calls any run from run 5 on made, in any round. */
  callsFromRun5: number
  incomplete: number
}

const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/** {@link modelPlannerRuns} in `rounds` rounds, each with a fresh runtime (so one slow moment on a shared machine does not decide a figure). */
export async function modelPlannerProgression(options: {
  runs: number
  latencyMs: number
  rounds: number
}): Promise<ModelProgression> {
  const rounds: ModelRun[][] = []
  for (let round = 0; round < options.rounds; round++) rounds.push(await modelPlannerRuns(options))
  const at = (run: number) => ({
    latencyMs: median(rounds.map((runs) => runs[run - 1]!.latencyMs)),
    modelCalls: Math.max(...rounds.map((runs) => runs[run - 1]!.modelCalls)),
  })
  return {
    run1: at(1),
    run5: at(5),
    run50: at(options.runs),
    callsFromRun5: Math.max(...rounds.flatMap((runs) => runs.slice(4).map((run) => run.modelCalls))),
    incomplete: rounds.flat().filter((run) => run.status !== 'complete').length,
  }
}
