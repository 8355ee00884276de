import { defineTool, ToolError } from '@inboard/tools'
import { z } from 'zod'
import { crmService, weatherService } from './demo-services.js'

/** Current conditions from the demo weather service. */
export const weatherTool = defineTool({
  name: 'weather',
  description: 'Current conditions and forecasts for any city',
  tags: ['forecast', 'temperature', 'humidity'],
  capabilities: {
    current: {
      description: 'Current temperature, conditions and humidity for a location',
      input: z.object({ location: z.string().describe('City name') }),
      output: z.object({ temperature: z.string(), conditions: z.string(), humidity: z.string() }),
      run: async ({ location }, ctx) => {
        const found = await weatherService.current(location, ctx.signal)
        if (!found)
          throw new ToolError('not_found', `No weather station for "${location}"`, { suggestion: 'Try a major city' })
        ctx.note(`looked up ${location}`)
        return found
      },
    },
  },
})

function ownerOf(userId: string | null): string {
  if (userId === null)
    throw new ToolError('auth_required', 'The CRM acts for an end user; create the task with a user_id', {
      suggestion: 'Pass user_id',
    })
  return userId
}

/** Deals and contacts from the demo CRM, always for the task's own end user. */
export const crmTool = defineTool({
  name: 'crm',
  description: 'CRM: deals, contacts and pipeline data',
  tags: ['salesforce', 'hubspot', 'pipeline', 'deals', 'contacts'],
  capabilities: {
    fetch_deals: {
      description: 'Pull deals in a pipeline stage, with amount, close date and associated contact email',
      input: z.object({ stage: z.enum(['Prospecting', 'Negotiation', 'Closed Won']).describe('Pipeline stage') }),
      run: async ({ stage }, ctx) => {
        const deals = await crmService.deals(ownerOf(ctx.user_id), stage, ctx.signal)
        ctx.note(`${deals.length} deals in ${stage}`)
        return { deals }
      },
    },
    find_contact: {
      description: 'Look up one contact by email address',
      input: z.object({ email: z.email().describe('Contact email address') }),
      run: async ({ email }, ctx) => {
        const contact = await crmService.contactByEmail(ownerOf(ctx.user_id), email, ctx.signal)
        if (!contact) throw new ToolError('not_found', `No contact with email ${email}`)
        return contact
      },
    },
    export_contacts: {
      description: 'Export all contacts to a CSV file (slow, bulk)',
      input: z.object({}),
      sideEffects: true,
      run: async (_input, ctx) => {
        const result = await crmService.exportAll(ownerOf(ctx.user_id), ctx.signal, (done) => {
          if (done % 5 === 0) ctx.note(`exported batch ${done}/20`)
        })
        return result
      },
    },
  },
})
