import type { LanguageModelV2, LanguageModelV3 } from '@ai-sdk/provider'
import type { LanguageModelV4 } from '@ai-sdk/provider-v4'
import { expectTypeOf, it } from 'vitest'
import type { ModelPlannerOptions } from '@inboard/ai'

it('accepts AI SDK language models of specification V2, V3 and V4 without casts', () => {
  expectTypeOf<LanguageModelV2>().toExtend<ModelPlannerOptions['model']>()
  expectTypeOf<LanguageModelV3>().toExtend<ModelPlannerOptions['model']>()
  expectTypeOf<LanguageModelV4>().toExtend<ModelPlannerOptions['model']>()
  expectTypeOf<{ specificationVersion: 'v1'; provider: string; modelId: string }>().not.toExtend<
    ModelPlannerOptions['model']
  >()
})
