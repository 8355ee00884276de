import { defineTool } from '@inboard/tools'
import { z } from 'zod'

/** A weather tool answering from a fixed table, as the quickstart demo service does. */
export const weatherTool = defineTool({
  name: 'weather',
  description: 'Current conditions and forecasts for any city',
  tags: ['forecast', 'temperature'],
  capabilities: {
    current: {
      description: 'Current temperature, conditions and humidity for a location',
      input: z.object({ location: z.string() }),
      output: z.object({ temperature: z.string(), conditions: z.string(), humidity: z.string() }),
      run: async ({ location }, ctx) => {
        ctx.note(`looked up ${location}`)
        return { temperature: '62°F', conditions: 'Partly cloudy', humidity: '73%' }
      },
    },
  },
})

export const callWeather = {
  type: 'call',
  calls: [{ tool: 'weather', capability: 'current', input: { location: 'San Francisco' } }],
} as const
