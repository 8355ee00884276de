// Model planner
export { createModelPlanner } from './model-planner.js'
export type { ModelPlannerOptions } from './model-planner.js'
export type { ModelRetryOptions } from './model-retry.js'

// The language-model contract (structural: AI SDK models of specification V2, V3 and V4 fit)
export type {
  LanguageModel,
  ModelCallOptions,
  ModelGenerateResult,
  ModelMessage,
  ModelFunctionTool,
  ModelTextPart,
  ModelToolCallPart,
  ModelToolResultPart,
  ModelToolResultOutput,
  ModelJsonSchema,
} from './model-types.js'
