/**
 * Small in-process stand-ins for the services the quickstart talks to: a weather service and a CRM.
 * They answer like the real thing would (latency, lookups that can miss) but need no network.
 */

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true })
  })

const CONDITIONS: Record<string, { temperature: string; conditions: string; humidity: string }> = {
  'san francisco': { temperature: '62°F', conditions: 'Partly cloudy', humidity: '73%' },
  paris: { temperature: '18°C', conditions: 'Light rain', humidity: '81%' },
  tokyo: { temperature: '24°C', conditions: 'Clear', humidity: '55%' },
}

export const weatherService = {
  async current(location: string, signal: AbortSignal) {
    await sleep(15, signal)
    const found = CONDITIONS[location.toLowerCase()]
    if (!found) return null
    return found
  },
}

export interface Deal {
  name: string
  amount: number
  stage: 'Prospecting' | 'Negotiation' | 'Closed Won'
  close_date: string
  contact_email: string
  owner: string
}

export interface Contact {
  name: string
  email: string
  company: string
  created_at: string
  owner: string
}

const DEALS: Deal[] = [
  {
    name: 'Acme Corp - Enterprise',
    amount: 48_000,
    stage: 'Negotiation',
    close_date: '2025-07-01',
    contact_email: 'jane@acme.com',
    owner: 'user_123',
  },
  {
    name: 'Globex - Expansion',
    amount: 12_500,
    stage: 'Negotiation',
    close_date: '2025-07-15',
    contact_email: 'bob@globex.com',
    owner: 'user_123',
  },
  {
    name: 'Initech - Pilot',
    amount: 5_000,
    stage: 'Prospecting',
    close_date: '2025-08-30',
    contact_email: 'peter@initech.com',
    owner: 'user_123',
  },
  {
    name: 'Umbrella - Renewal',
    amount: 30_000,
    stage: 'Negotiation',
    close_date: '2025-06-20',
    contact_email: 'alice@umbrella.com',
    owner: 'user_456',
  },
]

const CONTACTS: Contact[] = [
  { name: 'Jane Smith', email: 'jane@acme.com', company: 'Acme Corp', created_at: '2025-06-01', owner: 'user_123' },
  { name: 'Bob Chen', email: 'bob@globex.com', company: 'Globex Inc', created_at: '2025-05-20', owner: 'user_123' },
  {
    name: 'Peter Gibbons',
    email: 'peter@initech.com',
    company: 'Initech',
    created_at: '2024-11-02',
    owner: 'user_123',
  },
]

export const crmService = {
  async deals(owner: string, stage: string, signal: AbortSignal): Promise<Deal[]> {
    await sleep(25, signal)
    return DEALS.filter((deal) => deal.owner === owner && deal.stage === stage)
  },
  async contactByEmail(owner: string, email: string, signal: AbortSignal): Promise<Contact | null> {
    await sleep(10, signal)
    return CONTACTS.find((contact) => contact.owner === owner && contact.email === email.toLowerCase()) ?? null
  },
  /** A slow bulk export: long enough to cancel mid-run. */
  async exportAll(owner: string, signal: AbortSignal, onProgress: (done: number) => void): Promise<{ rows: number }> {
    const rows = CONTACTS.filter((contact) => contact.owner === owner)
    for (let i = 0; i < 20; i++) {
      await sleep(50, signal)
      onProgress(i + 1)
    }
    return { rows: rows.length }
  },
}
