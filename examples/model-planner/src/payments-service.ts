import { createServer } from 'node:http'
import { listen, type LocalService } from './local-service.js'

export interface Invoice {
  id: string
  number: string
  user_id: string
  customer: string
  status: 'open' | 'paid'
  currency: string
  amount_due: number
  created: string
  due_date: string
  lines: Array<{ description: string; amount: number }>
}

/** The payments service's books: newest invoice first per user. */
export const INVOICES: readonly Invoice[] = [
  {
    id: 'in_1QX7pR',
    number: 'INV-2026-0117',
    user_id: 'user_123',
    customer: 'Acme Ltd',
    status: 'open',
    currency: 'EUR',
    amount_due: 1240,
    created: '2026-11-15',
    due_date: '2026-12-15',
    lines: [
      { description: 'Team plan, 10 seats (November)', amount: 990 },
      { description: 'Extra storage, 500 GB', amount: 250 },
    ],
  },
  {
    id: 'in_1QB2aK',
    number: 'INV-2026-0098',
    user_id: 'user_123',
    customer: 'Acme Ltd',
    status: 'paid',
    currency: 'EUR',
    amount_due: 0,
    created: '2026-10-15',
    due_date: '2026-11-14',
    lines: [{ description: 'Team plan, 10 seats (October)', amount: 990 }],
  },
  {
    id: 'in_1QC9zT',
    number: 'INV-2026-0101',
    user_id: 'user_456',
    customer: 'Globex Inc',
    status: 'open',
    currency: 'USD',
    amount_due: 310,
    created: '2026-11-02',
    due_date: '2026-12-02',
    lines: [{ description: 'Starter plan', amount: 310 }],
  },
]

const json = (status: number, body: unknown) => ({ status, body: JSON.stringify(body) })

/**
 * A small payments API on a loopback ephemeral port, shaped like the real ones:
 * `GET /v1/invoices?user_id=…&limit=…` lists a user's invoices, newest first.
 */
export async function startPaymentsService(): Promise<LocalService> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    let answer = json(404, { error: { type: 'invalid_request_error', message: 'Unknown route' } })
    if (req.method === 'GET' && url.pathname === '/v1/invoices') {
      const userId = url.searchParams.get('user_id')
      const limit = Math.min(100, Number(url.searchParams.get('limit') ?? 10) || 10)
      if (!userId) answer = json(400, { error: { type: 'invalid_request_error', message: 'user_id is required' } })
      else {
        const invoices = INVOICES.filter((invoice) => invoice.user_id === userId)
        answer = json(200, { object: 'list', data: invoices.slice(0, limit), has_more: invoices.length > limit })
      }
    }
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body)
  })
  return listen(server)
}
