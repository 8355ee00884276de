import type { FakeModelReply, FakeModelRequest } from '@inboard/ai/testing'

interface InvoiceSeen {
  number: string
  customer: string
  status: string
  currency: string
  amount_due: number
  due_date: string
  lines: Array<{ description: string; amount: number }>
}

const money = (amount: number, currency: string): string => `${amount.toFixed(2)} ${currency}`

function parse<T>(content: string | undefined): T | null {
  if (content === undefined) return null
  try {
    return JSON.parse(content) as T
  } catch {
    return null
  }
}

/**
 * SCRIPTED MODEL. What the local fake model server answers when no API key is set: the turns a
 * capable model takes on this task, computed from what the request carries, so every value comes
 * from the conversation and not from this file — the channel name from the prompt, the invoice and
 * the channel id from the tool results the planner sent back, the summary written from the invoice.
 *
 * 1. look up the latest invoice and the channel (independent: two tool calls in one turn);
 * 2. post a summary of the invoice to the channel id found;
 * 3. answer with the fields the prompt asks for, as JSON.
 */
export function invoiceWorkflowTurn(request: FakeModelRequest): FakeModelReply {
  const result = (name: string) => request.toolResults.findLast((candidate) => candidate.name === name)?.content
  const channelName = /#([a-z0-9_-]+)/i.exec(request.userTexts[0] ?? '')?.[1]
  const missing = ['payments__latest_invoice', 'chat__find_channel', 'chat__post_message'].filter(
    (name) => !request.tools.includes(name),
  )
  if (missing.length > 0 || channelName === undefined)
    return {
      text: `I cannot do this task: ${missing.length > 0 ? `no ${missing.join(', ')} tool` : 'no channel named'}.`,
    }

  const invoiceText = result('payments__latest_invoice')
  const channelText = result('chat__find_channel')
  if (invoiceText === undefined || channelText === undefined) {
    return {
      toolCalls: [
        ...(invoiceText === undefined ? [{ name: 'payments__latest_invoice', input: {} }] : []),
        ...(channelText === undefined ? [{ name: 'chat__find_channel', input: { name: channelName } }] : []),
      ],
    }
  }
  const invoice = parse<InvoiceSeen>(invoiceText)
  const channel = parse<{ id: string }>(channelText)
  if (invoice === null || channel === null)
    return { text: `A tool failed: ${invoice === null ? invoiceText : channelText}` }

  const posted = parse<{ ts?: string }>(result('chat__post_message'))
  if (posted?.ts === undefined) {
    const lines = invoice.lines
      .map((line) => `${line.description} (${money(line.amount, invoice.currency)})`)
      .join('; ')
    const text = `Invoice ${invoice.number} for ${invoice.customer}: ${money(invoice.amount_due, invoice.currency)} ${invoice.status === 'paid' ? 'paid' : `due by ${invoice.due_date}`} — ${lines}.`
    return { toolCalls: [{ name: 'chat__post_message', input: { channel_id: channel.id, text } }] }
  }
  return {
    text: JSON.stringify({
      invoice_number: invoice.number,
      amount_due: money(invoice.amount_due, invoice.currency),
      channel: `#${channelName}`,
    }),
  }
}
