import type { SubagentDeployInput, TaskCreateInput } from '@inboard/core'

/** The subagent of the workflow: the payments and chat tools, nothing else. */
export const BILLING_AGENT: SubagentDeployInput = {
  name: 'billing-agent',
  prompt: 'Billing: read invoices from the payments service and post updates to the team chat',
  tools: ['payments', 'chat'],
}

/** The task: the reference's workflow in plain language, for one end user. */
export const INVOICE_TASK = {
  prompt:
    'Fetch my latest invoice from the payments service, summarise it in one sentence and post the summary to #billing. Return the invoice number, amount due and channel.',
  sub_agent: 'billing-agent',
  user_id: 'user_123',
} satisfies TaskCreateInput
