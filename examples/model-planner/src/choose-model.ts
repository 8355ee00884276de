import { createAnthropic } from '@ai-sdk/anthropic'
import { createOpenAI } from '@ai-sdk/openai'
import type { LanguageModel } from '@inboard/ai'
import { createFakeModelServer, type FakeModelServer } from '@inboard/ai/testing'
import { invoiceWorkflowTurn } from './scripted-model.js'

export interface ChosenModel {
  model: LanguageModel
  /** What runs the model, for the printout. */
  description: string
  /** The local fake server when no provider is used. */
  fake: FakeModelServer | null
}

/**
 * OpenAI when `OPENAI_API_KEY` is set, else Anthropic when `ANTHROPIC_API_KEY` is set, else the
 * local fake model server spoken to through `@ai-sdk/openai` over HTTP. `--fake` forces the fake
 * (CI runs it that way). `INBOARD_MODEL` names another model of the chosen provider.
 */
export async function chooseModel(env: NodeJS.ProcessEnv, forceFake: boolean): Promise<ChosenModel> {
  const modelId = env['INBOARD_MODEL']
  if (!forceFake && env['OPENAI_API_KEY']) {
    const model = createOpenAI({ apiKey: env['OPENAI_API_KEY'] }).chat(modelId ?? 'gpt-4.1-mini')
    return { model, description: `OpenAI ${model.modelId} (OPENAI_API_KEY)`, fake: null }
  }
  if (!forceFake && env['ANTHROPIC_API_KEY']) {
    const model = createAnthropic({ apiKey: env['ANTHROPIC_API_KEY'] })(modelId ?? 'claude-haiku-4-5')
    return { model, description: `Anthropic ${model.modelId} (ANTHROPIC_API_KEY)`, fake: null }
  }
  const fake = await createFakeModelServer(invoiceWorkflowTurn)
  const model = createOpenAI({ baseURL: fake.url, apiKey: 'not-needed' }).chat('gpt-4.1-mini')
  return {
    model,
    description: `the local fake model server at ${fake.url} (scripted; OpenAI chat-completions wire format through @ai-sdk/openai)`,
    fake,
  }
}
