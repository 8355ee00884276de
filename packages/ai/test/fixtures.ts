import type { LanguageModelV3CallOptions, LanguageModelV3GenerateResult } from '@ai-sdk/provider'
import { defineTool } from '@inboard/tools'
import { z } from 'zod'

/** A payments service and a chat, the invoice workflow's two tools; counts what ran. */
export function invoiceTools() {
  const state = {
    invoices: {
      u_42: { id: 'inv_1007', amount_due: 129.5, currency: 'USD', status: 'open', due_date: '2026-12-15' },
    } as Record<string, unknown>,
    posts: [] as Array<{ channel: string; text: string }>,
    reads: 0,
  }
  const payments = defineTool({
    name: 'payments',
    description: 'Invoices and payments of customers',
    capabilities: {
      latest_invoice: {
        description: "A customer's most recent invoice",
        input: z.object({ customer_id: z.string().min(1) }),
        run: ({ customer_id }) => {
          state.reads++
          return state.invoices[customer_id] ?? { error: 'no invoice' }
        },
      },
    },
  })
  const chat = defineTool({
    name: 'chat',
    description: 'Team chat channels',
    capabilities: {
      post_message: {
        description: 'Post a message to a channel',
        input: z.object({ channel: z.string().regex(/^#/), text: z.string().min(1) }),
        sideEffects: true,
        run: ({ channel, text }) => {
          state.posts.push({ channel, text })
          return { ok: true, ts: `ts_${state.posts.length}` }
        },
      },
    },
  })
  return { state, tools: [payments, chat] }
}

export const usage = {
  inputTokens: { total: 100, noCache: 100, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 20, text: 20, reasoning: undefined },
}

export function toolCalls(...calls: Array<[name: string, input: unknown]>): LanguageModelV3GenerateResult {
  return {
    content: calls.map(([toolName, input], index) => ({
      type: 'tool-call' as const,
      toolCallId: `c${index}`,
      toolName,
      input: typeof input === 'string' ? input : JSON.stringify(input),
    })),
    finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
    usage,
    warnings: [],
  }
}

export function text(answer: string): LanguageModelV3GenerateResult {
  return {
    content: [{ type: 'text', text: answer }],
    finishReason: { unified: 'stop', raw: 'stop' },
    usage,
    warnings: [],
  }
}

/** Tool results the model was sent, in order (text of each). */
export function toolResults(options: LanguageModelV3CallOptions): string[] {
  return options.prompt.flatMap((message) =>
    message.role === 'tool'
      ? message.content.flatMap((part) =>
          part.type === 'tool-result' && 'value' in part.output
            ? [typeof part.output.value === 'string' ? part.output.value : JSON.stringify(part.output.value)]
            : [],
        )
      : [],
  )
}
