import { defineTool, ToolError, type Tool, type ToolContext } from '@inboard/tools'
import { z } from 'zod'

/** The deal record as this app's schema describes it (written against the CRM's docs before its rename). */
export const dealSchema = z.object({
  id: z.string(),
  name: z.string(),
  amount: z.number(),
  stage: z.string(),
  close_date: z.iso.date(),
  contact: z
    .object({ name: z.string(), email: z.string(), lifecycle_stage: z.enum(['customer', 'opportunity']) })
    .optional(),
})

const EVIDENCE = ['retry-after', 'www-authenticate', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']

/** Maps a failed response to the ToolError the runtime acts on, keeping status and headers as evidence. */
async function failure(response: Response, path: string): Promise<ToolError> {
  const headers: Record<string, string> = {}
  for (const name of EVIDENCE) {
    const value = response.headers.get(name)
    if (value !== null) headers[name] = value
  }
  const body = (await response.json().catch(() => ({}))) as { message?: string }
  const details = { status: response.status, headers, body }
  const message = `GET ${path} → ${response.status}${body.message ? `: ${body.message}` : ''}`
  if (response.status === 429)
    return new ToolError('rate_limited', message, { retryAfterMs: Number(headers['retry-after'] ?? 1) * 1000, details })
  if (response.status === 401) return new ToolError('auth_token_expired', message, { details })
  const scope = /insufficient_scope", scope="([^"]+)"/.exec(headers['www-authenticate'] ?? '')?.[1]
  if (response.status === 403 && scope)
    return new ToolError('insufficient_scope', message, { scopes: scope.split(' '), details })
  if (response.status >= 500) return new ToolError('transient', message, { details })
  return new ToolError('upstream_error', message, { recoverable: false, details })
}

/** One authenticated GET through the runtime's fetch (paced and observed by execution memory). */
async function get(baseUrl: string, path: string, ctx: ToolContext): Promise<unknown> {
  const credential = await ctx.credentials?.get('crm')
  if (credential?.type !== 'oauth2') throw new ToolError('auth_required', 'Connect the CRM first')
  const response = await (ctx.fetch ?? fetch)(`${baseUrl}${path}`, {
    headers: { authorization: `Bearer ${credential.accessToken}` },
    signal: ctx.signal,
  })
  if (!response.ok) throw await failure(response, path.split('?')[0]!)
  return response.json()
}

/** The CRM as the app declares it: describe the deal schema, and list a stage's deals page by page. */
export function crmTool(baseUrl: string): Tool {
  return defineTool({
    name: 'crm',
    description: 'CRM: deals, pipeline stages and their contacts',
    tags: ['deals', 'pipeline', 'contacts'],
    capabilities: {
      describe_deals: {
        description: 'Describe the fields of deal records',
        input: z.object({}),
        run: (_input, ctx) => get(baseUrl, '/v1/deals/fields', ctx),
      },
      list_deals: {
        description: 'Every deal in a pipeline stage, fetched page by page, optionally with its contact',
        input: z.object({
          stage: z.string(),
          page_size: z.number().int().positive().default(20),
          expand: z.enum(['contact']).optional(),
        }),
        output: z.object({ deals: z.array(dealSchema) }),
        run: async ({ stage, page_size, expand }, ctx) => {
          const deals: unknown[] = []
          for (let cursor: string | null = '0'; cursor !== null;) {
            const query = new URLSearchParams({
              stage,
              page_size: String(page_size),
              cursor,
              ...(expand ? { expand } : {}),
            })
            const page = (await get(baseUrl, `/v1/deals?${query.toString()}`, ctx)) as {
              data: unknown[]
              next_cursor: string | null
            }
            deals.push(...page.data)
            cursor = page.next_cursor
          }
          return { deals }
        },
      },
    },
  })
}
