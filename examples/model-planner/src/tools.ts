import { defineTool, ToolError, type Tool, type ToolContext } from '@inboard/tools'
import { z } from 'zod'

async function request(url: string, ctx: ToolContext, init: RequestInit = {}): Promise<Record<string, unknown>> {
  const response = await (ctx.fetch ?? fetch)(url, { ...init, signal: ctx.signal })
  const body = (await response.json()) as Record<string, unknown>
  if (response.status === 404) throw new ToolError('not_found', `${url.replace(/\?.*/, '')}: ${JSON.stringify(body)}`)
  if (!response.ok)
    throw new ToolError(
      response.status >= 500 ? 'transient' : 'upstream_error',
      `HTTP ${response.status}: ${JSON.stringify(body)}`,
    )
  return body
}

/**
 * The payments service. It acts for the task's end user (`ctx.user_id`), never for a user the
 * model names: the model cannot read someone else's invoices.
 */
export function paymentsTool(baseUrl: string): Tool {
  return defineTool({
    name: 'payments',
    description: 'Payments: invoices and their line items for the end user',
    tags: ['billing', 'invoice', 'stripe'],
    capabilities: {
      latest_invoice: {
        description:
          "The end user's most recent invoice: number, status, amount due, currency, due date and line items",
        input: z.object({}),
        run: async (_input, ctx) => {
          if (ctx.user_id === null)
            throw new ToolError('auth_required', 'Payments act for an end user; create the task with a user_id')
          const list = await request(`${baseUrl}/v1/invoices?user_id=${encodeURIComponent(ctx.user_id)}&limit=1`, ctx)
          const [latest] = list['data'] as unknown[]
          if (latest === undefined) throw new ToolError('not_found', `No invoices for ${ctx.user_id}`)
          return latest
        },
      },
    },
  })
}

/** The team chat: find a channel by name, post a message to it. */
export function chatTool(baseUrl: string): Tool {
  return defineTool({
    name: 'chat',
    description: 'Team chat: channels and messages',
    tags: ['slack', 'message', 'channel'],
    capabilities: {
      find_channel: {
        description: 'Find a channel by its name (without the #); returns its id',
        input: z.object({ name: z.string().min(1).describe('Channel name, e.g. billing') }),
        run: async ({ name }, ctx) => {
          const found = await request(`${baseUrl}/api/channels?name=${encodeURIComponent(name.replace(/^#/, ''))}`, ctx)
          return found['channel']
        },
      },
      post_message: {
        description: 'Post a message to a channel, by channel id',
        input: z.object({
          channel_id: z.string().regex(/^C[A-Z0-9]{8}$/, 'a channel id such as C01234567, from chat.find_channel'),
          text: z.string().min(1).max(4000),
        }),
        sideEffects: true,
        idempotent: true,
        run: async ({ channel_id, text }, ctx) => {
          const posted = await request(`${baseUrl}/api/messages`, ctx, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': ctx.idempotencyKey },
            body: JSON.stringify({ channel: channel_id, text }),
          })
          return { channel: posted['channel'], ts: posted['ts'] }
        },
      },
    },
  })
}
