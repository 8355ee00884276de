/** One library under test: its runner file and the packages whose versions the results name. */
export interface Library {
  /** Short name used in the PEERS line. */
  id: string
  label: string
  /** The call each task goes through. */
  api: string
  /** File under `src/runners/`. */
  runner: string
  /** How the model (or planner) is faked, for the results file. */
  fake: string
  /** Packages whose installed versions are reported, resolved from this package's node_modules. */
  packages: readonly string[]
  /** A failure leaves the library out of the table instead of failing the benchmark. */
  optional?: boolean
}

export const INBOARD: Library = {
  id: 'inboard',
  label: 'Inboard',
  api: 'runtime.tasks.create + wait',
  runner: 'inboard.ts',
  fake: '`createScriptedPlanner` from `@inboard/core/testing` (call `noop.run`, then finish); default runtime options, concurrency 10',
  packages: ['@inboard/core', '@inboard/tools'],
}

/** Inboard again, planning with a language model: the AI SDK row's fake model behind `createModelPlanner`. */
export const INBOARD_MODEL: Library = {
  id: 'inboard-model',
  label: 'Inboard, model planner',
  api: 'runtime.tasks.create + wait',
  runner: 'inboard-model.ts',
  fake: "`createModelPlanner` from `@inboard/ai` on the AI SDK row's fake model (`MockLanguageModelV3` from `ai/test`, asked twice per task); execution memory off, so every task asks the model; default runtime options otherwise, concurrency 10",
  packages: ['@inboard/core', '@inboard/tools', '@inboard/ai'],
}

export const PEERS: readonly Library[] = [
  {
    id: 'ai',
    label: 'Vercel AI SDK',
    api: 'generateText',
    runner: 'ai-sdk.ts',
    fake: '`MockLanguageModelV3` from `ai/test`, `stopWhen: stepCountIs(5)`',
    packages: ['ai'],
  },
  {
    id: 'openai-agents',
    label: 'OpenAI Agents SDK',
    api: 'run',
    runner: 'openai-agents.ts',
    fake: 'a minimal `Model` (the SDK ships no fake model); tracing disabled, as it would export to OpenAI',
    packages: ['@openai/agents'],
  },
  {
    id: 'langgraph',
    label: 'LangGraph',
    api: 'createReactAgent().invoke',
    runner: 'langgraph.ts',
    fake: 'a minimal `BaseChatModel` (`@langchain/core/utils/testing` has no fake that alternates a tool call and text); no checkpointer',
    packages: ['@langchain/langgraph', '@langchain/core'],
  },
  {
    id: 'mastra',
    label: 'Mastra',
    api: 'Agent.generate',
    runner: 'mastra.ts',
    fake: "a minimal AI SDK 5 `LanguageModelV2` (Mastra's `createMockModel` returns text only; `ai@5`'s `MockLanguageModelV2` needs `msw`); no memory or storage",
    packages: ['@mastra/core'],
    optional: true,
  },
]
