import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { capability, defineTool, type ToolContext } from '@inboard/tools'

describe('defineTool types', () => {
  it('types run input from the input schema', () => {
    defineTool({
      name: 'weather',
      description: 'Weather',
      capabilities: {
        current: {
          description: 'Current conditions',
          input: z.object({ location: z.string(), days: z.number().default(1) }),
          run: async (input, ctx) => {
            expectTypeOf(input).toEqualTypeOf<{ location: string; days: number }>()
            expectTypeOf(ctx).toEqualTypeOf<ToolContext>()
            return input.location
          },
        },
        other: {
          description: 'Another',
          input: z.object({ n: z.number() }),
          run: ({ n }) => {
            expectTypeOf(n).toEqualTypeOf<number>()
            // @ts-expect-error n is a number, not a string
            n.toUpperCase() // eslint-disable-line @typescript-eslint/no-unsafe-call -- the type error under test
            return n
          },
        },
      },
    })
  })

  it('checks run output against the output schema with capability()', () => {
    const current = capability({
      description: 'Current conditions',
      input: z.object({ location: z.string() }),
      output: z.object({ temperature: z.string() }),
      run: async ({ location }) => ({ temperature: `${location}: 18°C` }),
    })
    expectTypeOf(current.run).returns.resolves.toEqualTypeOf<{ temperature: string }>()
    capability({
      description: 'Wrong output',
      input: z.object({}),
      output: z.object({ temperature: z.string() }),
      // @ts-expect-error temperature must be a string
      run: async () => ({ temperature: 18 }),
    })
    defineTool({ name: 'weather', description: 'Weather', capabilities: { current } })
  })
})
