import { z } from 'zod'
import type { CallRecord, CapabilityInfo, PlannerContext, TaskInput } from '@inboard/core'

/** 2025-06-15T12:00:00Z, a Sunday. */
export const NOW = Date.UTC(2025, 5, 15, 12, 0, 0)

interface CapabilityFixture {
  tool: string
  capability: string
  description: string
  toolDescription?: string
  tags?: string[]
  input: z.ZodType
  sideEffects?: boolean
}

/** A capability as the runtime describes it to planners, JSON Schema included. */
export function capability(fixture: CapabilityFixture): CapabilityInfo {
  return {
    id: `${fixture.tool}.${fixture.capability}`,
    tool: fixture.tool,
    capability: fixture.capability,
    description: fixture.description,
    toolDescription: fixture.toolDescription ?? '',
    tags: fixture.tags ?? [],
    inputSchema: z.toJSONSchema(fixture.input, { io: 'input', unrepresentable: 'any' }),
    outputSchema: null,
    sideEffects: fixture.sideEffects === true,
    requiresApproval: false,
  }
}

export const weatherCurrent = capability({
  tool: 'weather',
  capability: 'current',
  description: 'Current weather conditions for a location',
  toolDescription: 'Weather forecasts and current conditions',
  tags: ['weather', 'forecast'],
  input: z.object({
    location: z.string().describe('City name, e.g. "Paris"'),
    units: z.enum(['metric', 'imperial']).default('metric'),
  }),
})

export const fetchDeals = capability({
  tool: 'crm',
  capability: 'fetch_deals',
  description: 'List deals in the pipeline, optionally filtered by stage',
  toolDescription: 'Customer relationship management: contacts, deals and companies',
  tags: ['crm', 'sales'],
  input: z.object({
    stage: z.enum(['Prospecting', 'Negotiation', 'Closed Won']),
    user_id: z.string().optional().describe('The CRM user whose deals to list'),
    min_amount: z.number().optional().describe('Only deals worth at least this much'),
  }),
})

export const fetchContacts = capability({
  tool: 'crm',
  capability: 'fetch_contacts',
  description: 'List contacts, optionally only those created after a date',
  toolDescription: 'Customer relationship management: contacts, deals and companies',
  tags: ['crm', 'sales'],
  input: z.object({
    created_after: z.iso.date().describe('Only contacts created on or after this date'),
    user_id: z.string().optional(),
    limit: z.number().int().min(1).max(100).default(25),
  }),
})

export const createContact = capability({
  tool: 'crm',
  capability: 'create_contact',
  description: 'Create a new contact in the CRM',
  toolDescription: 'Customer relationship management: contacts, deals and companies',
  tags: ['crm', 'sales'],
  input: z.object({ name: z.string(), email: z.email(), company: z.string().optional() }),
  sideEffects: true,
})

export const sendEmail = capability({
  tool: 'email',
  capability: 'send',
  description: 'Send an email message',
  toolDescription: 'Outgoing email',
  tags: ['email', 'mail'],
  input: z.object({ to: z.email(), subject: z.string(), body: z.string() }),
  sideEffects: true,
})

export const searchDocs = capability({
  tool: 'docs',
  capability: 'search',
  description: 'Full-text search over the knowledge base articles',
  tags: ['docs', 'knowledge base'],
  input: z.object({ query: z.string().describe('What to search for'), limit: z.number().int().optional() }),
})

export const allCapabilities = [weatherCurrent, fetchDeals, fetchContacts, createContact, sendEmail, searchDocs]

interface ContextFixture {
  prompt: string
  capabilities?: readonly CapabilityInfo[]
  history?: CallRecord[]
  input?: Partial<TaskInput>
  userId?: string | null
}

/** A planner context as the runtime builds it, with the notes it received collected. */
export function plannerContext(fixture: ContextFixture): PlannerContext & { notes: string[] } {
  const notes: string[] = []
  return {
    task: { id: 'task_1', prompt: fixture.prompt, user_id: fixture.userId ?? null, mode: 'live', metadata: {} },
    subagent: null,
    decision: fixture.history?.length ?? 0,
    capabilities: fixture.capabilities ?? allCapabilities,
    history: fixture.history ?? [],
    input: { messages: fixture.input?.messages ?? [], values: fixture.input?.values ?? {} },
    signal: new AbortController().signal,
    note: (text) => {
      notes.push(text)
    },
    notes,
  }
}
