/**
 * The evaluation set. Prompts are written the way people type them; every case was written before
 * the planner was changed against it, and none may be edited to make it pass (add new ones instead).
 * The clock reads 2026-03-11T10:00:00Z, a Wednesday.
 */

/** An expected parameter value: exact, one of several readings, or text containing a part. */
export type Expected =
  string | number | boolean | readonly unknown[] | { $oneOf: readonly unknown[] } | { $includes: string }

export interface ExpectedCall {
  capability: string
  /** Parameters that must be present with these values; any other parameter is wrong … */
  params: Record<string, Expected>
  /** … except these, which may be left out but must match when given. */
  maybe?: Record<string, Expected>
}

export interface SingleCase {
  prompt: string
  call: ExpectedCall
}

export interface AskCase {
  prompt: string
  /** The capability the request is about (for the report only). */
  capability: string
  /** Field names the ask must name. */
  fields: readonly string[]
}

export interface ChainCase {
  prompt: string
  calls: readonly ExpectedCall[]
  /** Set when the chain must stop and ask after its calls, naming these fields. */
  ask?: readonly string[]
}

const oneOf = (...values: unknown[]): { $oneOf: unknown[] } => ({ $oneOf: values })
const includes = (text: string): { $includes: string } => ({ $includes: text })

export const singleCases: SingleCase[] = [
  // tracker
  {
    prompt: 'open a ticket in ENG titled "Checkout button misaligned on Safari"',
    call: {
      capability: 'tracker.create_issue',
      params: { project: 'ENG', title: 'Checkout button misaligned on Safari' },
    },
  },
  {
    prompt: 'can you close ENG-77?',
    call: { capability: 'tracker.set_status', params: { key: 'ENG-77', status: 'closed' } },
  },
  {
    prompt: 'mark OPS-1203 as resolved please',
    call: { capability: 'tracker.set_status', params: { key: 'OPS-1203', status: 'resolved' } },
  },
  {
    prompt: "reopen PAY-9, the fix didn't hold",
    call: { capability: 'tracker.set_status', params: { key: 'PAY-9', status: 'open' } },
  },
  {
    prompt: 'assign ENG-412 to priya.s',
    call: { capability: 'tracker.assign_issue', params: { key: 'ENG-412', assignee: 'priya.s' } },
  },
  { prompt: "what's the status of MOB-88?", call: { capability: 'tracker.get_issue', params: { key: 'MOB-88' } } },
  {
    prompt: 'show me open issues in the WEB project updated since March 1',
    call: {
      capability: 'tracker.search_issues',
      params: { project: 'WEB', status: 'open', updated_after: '2026-03-01' },
    },
  },
  {
    prompt: `leave a comment on ENG-77: "repro'd on staging, looking into it"`,
    call: { capability: 'tracker.add_comment', params: { key: 'ENG-77', body: "repro'd on staging, looking into it" } },
  },
  {
    prompt: 'file an urgent bug in the INFRA project: disk full on build agents',
    call: {
      capability: 'tracker.create_issue',
      params: { project: 'INFRA', title: 'disk full on build agents', priority: 'urgent' },
    },
  },
  // helpdesk
  { prompt: 'pull up case #9910', call: { capability: 'helpdesk.get_case', params: { case_number: 9910 } } },
  {
    prompt: 'escalate case 4521 to engineering',
    call: { capability: 'helpdesk.escalate_case', params: { case_number: 4521, level: 'engineering' } },
  },
  {
    prompt: "reply to case 3307 saying we've shipped a replacement",
    call: {
      capability: 'helpdesk.reply_to_case',
      params: { case_number: 3307, message: "we've shipped a replacement" },
    },
  },
  {
    prompt: 'any pending cases from jo@brightlane.com?',
    call: { capability: 'helpdesk.list_cases', params: { status: 'pending', customer_email: 'jo@brightlane.com' } },
  },
  {
    prompt: 'add an internal note to case 7781: customer is on the enterprise plan',
    call: {
      capability: 'helpdesk.reply_to_case',
      params: { case_number: 7781, message: 'customer is on the enterprise plan', internal: true },
    },
  },
  // shop
  { prompt: "where's order ord_20931?", call: { capability: 'shop.get_order', params: { order_id: 'ord_20931' } } },
  {
    prompt: 'cancel order ord_7781, the customer changed their mind',
    call: {
      capability: 'shop.cancel_order',
      params: { order_id: 'ord_7781' },
      maybe: { reason: includes('changed their mind') },
    },
  },
  {
    prompt: 'show the last 5 orders for customer c_4410',
    call: { capability: 'shop.list_orders', params: { customer_id: 'c_4410', limit: 5 } },
  },
  {
    prompt: 'which orders of c_12 are still pending?',
    call: { capability: 'shop.list_orders', params: { customer_id: 'c_12', status: 'pending' } },
  },
  {
    prompt: 'start a return for ord_3302, reason: arrived damaged',
    call: { capability: 'shop.start_return', params: { order_id: 'ord_3302', reason: 'arrived damaged' } },
  },
  {
    prompt: 'look up the customer with email mila@example.net',
    call: { capability: 'shop.find_customer', params: { email: 'mila@example.net' } },
  },
  // payments
  {
    prompt: 'which payments failed since March 1?',
    call: { capability: 'payments.list_payments', params: { status: 'failed', created_after: '2026-03-01' } },
  },
  { prompt: 'refund pay_88213', call: { capability: 'payments.refund_payment', params: { payment_id: 'pay_88213' } } },
  {
    prompt: 'refund €45,50 of payment pay_1200',
    call: { capability: 'payments.refund_payment', params: { payment_id: 'pay_1200', amount: 45.5 } },
  },
  {
    prompt: 'invoice ap@northwind.io for €1.250,50',
    call: {
      capability: 'payments.create_invoice',
      params: { customer_email: 'ap@northwind.io', amount: 1250.5, currency: 'EUR' },
    },
  },
  {
    prompt: 'bill hello@tinyfox.dev $12k, due June 15',
    call: {
      capability: 'payments.create_invoice',
      params: { customer_email: 'hello@tinyfox.dev', amount: 12000, currency: 'USD', due_date: '2026-06-15' },
    },
  },
  { prompt: 'show me invoice 3320', call: { capability: 'payments.get_invoice', params: { invoice_number: 3320 } } },
  {
    prompt: 'pay vendor VND88213 £980',
    call: { capability: 'payments.create_payout', params: { vendor_id: 'VND88213', amount: 980, currency: 'GBP' } },
  },
  {
    prompt: 'list refunded payments over $500 from last month',
    call: {
      capability: 'payments.list_payments',
      params: { status: 'refunded', min_amount: 500, created_after: oneOf('2026-02-11', '2026-02-01') },
      maybe: { created_before: oneOf('2026-03-11', '2026-02-28') },
    },
  },
  {
    prompt: 'payments created before February 15 that are still pending',
    call: { capability: 'payments.list_payments', params: { status: 'pending', created_before: '2026-02-15' } },
  },
  // sms
  {
    prompt: 'text +1 (415) 555-0142: your table is ready',
    call: {
      capability: 'sms.send_sms',
      params: { to: oneOf('+14155550142', '+1 (415) 555-0142'), body: 'your table is ready' },
    },
  },
  {
    prompt: 'send an SMS to +44 7700 900123 saying "Your parcel is out for delivery"',
    call: {
      capability: 'sms.send_sms',
      params: { to: oneOf('+447700900123', '+44 7700 900123'), body: 'Your parcel is out for delivery' },
    },
  },
  {
    prompt: 'which messages did we send to +4915112345678 yesterday?',
    call: { capability: 'sms.list_sent', params: { to: '+4915112345678', sent_after: '2026-03-10' } },
  },
  {
    prompt: 'show failed texts from the last 7 days',
    call: { capability: 'sms.list_sent', params: { status: 'failed', sent_after: '2026-03-04' } },
  },
  // chat
  {
    prompt: 'post "deploy finished ✅" in #releases',
    call: {
      capability: 'chat.post_message',
      params: { channel: oneOf('releases', '#releases'), text: 'deploy finished ✅' },
    },
  },
  {
    prompt: 'DM kofi that the standup moved to 10:30',
    call: {
      capability: 'chat.send_direct_message',
      params: { user: 'kofi', text: includes('standup moved to 10:30') },
    },
  },
  {
    prompt: 'what did people say in the incidents channel today?',
    call: { capability: 'chat.list_messages', params: { channel: 'incidents', since: '2026-03-11' } },
  },
  {
    prompt: 'message the design channel: mockups are in the shared drive',
    call: { capability: 'chat.post_message', params: { channel: 'design', text: 'mockups are in the shared drive' } },
  },
  // docs
  {
    prompt: 'create a doc called "Q2 hiring plan"',
    call: { capability: 'docs.create_document', params: { title: 'Q2 hiring plan' } },
  },
  {
    prompt: 'search our docs for onboarding checklist',
    call: { capability: 'docs.search_documents', params: { query: 'onboarding checklist' } },
  },
  {
    prompt: 'append "Action item: renew SSL cert" to doc_4471',
    call: {
      capability: 'docs.append_to_document',
      params: { document_id: 'doc_4471', text: 'Action item: renew SSL cert' },
    },
  },
  {
    prompt: 'share doc_900 with kim@x.io and lee@y.io as editors',
    call: {
      capability: 'docs.share_document',
      params: { document_id: 'doc_900', emails: ['kim@x.io', 'lee@y.io'], role: 'editor' },
    },
  },
  {
    prompt: 'find the top 3 docs about pricing',
    call: { capability: 'docs.search_documents', params: { query: 'pricing', limit: 3 } },
  },
  // sheets
  {
    prompt: 'read C3:H40 from spreadsheet sh_budget2026',
    call: { capability: 'sheets.read_range', params: { spreadsheet_id: 'sh_budget2026', range: 'C3:H40' } },
  },
  {
    prompt: "what's in D5 through D9 of sheet sh_4412?",
    call: { capability: 'sheets.read_range', params: { spreadsheet_id: 'sh_4412', range: 'D5:D9' } },
  },
  {
    prompt: 'append a row to sh_leads with Acme, Berlin, 42',
    call: { capability: 'sheets.append_row', params: { spreadsheet_id: 'sh_leads', values: ['Acme', 'Berlin', '42'] } },
  },
  {
    prompt: 'clear A2:F100 in sh_scratch',
    call: { capability: 'sheets.clear_range', params: { spreadsheet_id: 'sh_scratch', range: 'A2:F100' } },
  },
  // sql
  {
    prompt: "run `SELECT count(*) FROM orders WHERE status = 'paid'` on the analytics database",
    call: {
      capability: 'sql.run_query',
      params: { database: 'analytics', sql: "SELECT count(*) FROM orders WHERE status = 'paid'" },
    },
  },
  {
    prompt: 'what tables are in the billing db?',
    call: { capability: 'sql.list_tables', params: { database: 'billing' } },
  },
  {
    prompt: 'in the warehouse database, run: select * from shipments limit 20',
    call: { capability: 'sql.run_query', params: { database: 'warehouse', sql: 'select * from shipments limit 20' } },
  },
  // storage
  {
    prompt: 'list everything under reports/2025/ in the finance-exports bucket',
    call: { capability: 'storage.list_objects', params: { bucket: 'finance-exports', prefix: 'reports/2025/' } },
  },
  {
    prompt: 'delete exports/2025/summary.csv from the media-archive bucket',
    call: { capability: 'storage.delete_object', params: { bucket: 'media-archive', key: 'exports/2025/summary.csv' } },
  },
  {
    prompt: 'give me a download link for invoices/march.pdf in bucket acct-docs, valid for 15 minutes',
    call: {
      capability: 'storage.get_object_url',
      params: { bucket: 'acct-docs', key: 'invoices/march.pdf', expires_in_minutes: 15 },
    },
  },
  {
    prompt: 'upload notes/todo.txt to the team-scratch bucket with content "buy milk"',
    call: {
      capability: 'storage.upload_object',
      params: { bucket: 'team-scratch', key: 'notes/todo.txt', content: 'buy milk' },
    },
  },
  // paging
  {
    prompt: 'ack incident PD4412',
    call: { capability: 'paging.acknowledge_incident', params: { incident_id: 'PD4412' } },
  },
  {
    prompt: 'resolve PD9001, root cause was a bad config push',
    call: {
      capability: 'paging.resolve_incident',
      params: { incident_id: 'PD9001' },
      maybe: { resolution_note: includes('bad config push') },
    },
  },
  {
    prompt: 'any triggered incidents on the search-api service?',
    call: { capability: 'paging.list_incidents', params: { service: 'search-api', status: 'triggered' } },
  },
  {
    prompt: 'page the payments service: checkout error rate above 5%, critical',
    call: {
      capability: 'paging.trigger_incident',
      params: { service: 'payments', summary: includes('checkout error rate above 5%'), severity: 'critical' },
    },
  },
  {
    prompt: 'who is on call for the platform schedule?',
    call: { capability: 'paging.get_on_call', params: { schedule: 'platform' } },
  },
  // repos
  {
    prompt: 'list open pull requests in web/app',
    call: { capability: 'repos.list_pull_requests', params: { repo: 'web/app' }, maybe: { state: 'open' } },
  },
  {
    prompt: 'squash-merge PR 482 in web/app',
    call: { capability: 'repos.merge_pull_request', params: { repo: 'web/app', number: 482, method: 'squash' } },
  },
  {
    prompt: 'show me src/index.ts from acme/api on the develop branch',
    call: { capability: 'repos.get_file', params: { repo: 'acme/api', path: 'src/index.ts', ref: 'develop' } },
  },
  // calendar
  {
    prompt: 'put "Quarterly review" on the calendar for April 2 with kim@x.io and lee@y.io',
    call: {
      capability: 'calendar.create_event',
      params: { title: 'Quarterly review', date: '2026-04-02', attendees: ['kim@x.io', 'lee@y.io'] },
    },
  },
  {
    prompt: "what's on my calendar next week?",
    call: {
      capability: 'calendar.list_events',
      params: { after: oneOf('2026-03-11', '2026-03-16'), before: oneOf('2026-03-18', '2026-03-22', '2026-03-23') },
    },
  },
  // email
  {
    prompt: 'email jo@brightlane.com with subject "Your refund" and say the refund was issued today',
    call: {
      capability: 'email.send_email',
      params: { to: 'jo@brightlane.com', subject: 'Your refund', body: includes('refund was issued today') },
    },
  },
  {
    prompt: 'any unread mail from billing@stripe.com this week?',
    call: {
      capability: 'email.search_inbox',
      params: { from: 'billing@stripe.com', unread_only: true, received_after: '2026-03-09' },
    },
  },
  {
    prompt: 'send lee@y.io an email, subject: Contract, body: Signed copy attached',
    call: {
      capability: 'email.send_email',
      params: { to: 'lee@y.io', subject: 'Contract', body: 'Signed copy attached' },
    },
  },
  // Added after the planner change, written without running them first (held-out style).
  {
    prompt: 'please set QA-310 to in progress',
    call: { capability: 'tracker.set_status', params: { key: 'QA-310', status: 'in_progress' } },
  },
  {
    prompt: 'hey, who has the on-call for the mobile schedule right now?',
    call: { capability: 'paging.get_on_call', params: { schedule: 'mobile' } },
  },
  {
    prompt: 'wipe B2:B50 on spreadsheet sh_inventory',
    call: { capability: 'sheets.clear_range', params: { spreadsheet_id: 'sh_inventory', range: 'B2:B50' } },
  },
  {
    prompt: 'how many tables does the reporting database have?',
    call: { capability: 'sql.list_tables', params: { database: 'reporting' } },
  },
  {
    prompt: 'refund $19.99 on pay_7781 please',
    call: { capability: 'payments.refund_payment', params: { payment_id: 'pay_7781', amount: 19.99 } },
  },
]

export const askCases: AskCase[] = [
  { prompt: 'open a ticket titled "Login page 500s"', capability: 'tracker.create_issue', fields: ['project'] },
  { prompt: 'close the ticket about the login bug', capability: 'tracker.set_status', fields: ['key'] },
  { prompt: 'assign ENG-88 to someone on the backend team', capability: 'tracker.assign_issue', fields: ['assignee'] },
  { prompt: 'escalate this case to tier3', capability: 'helpdesk.escalate_case', fields: ['case_number'] },
  { prompt: 'reply to the customer on case 2210', capability: 'helpdesk.reply_to_case', fields: ['message'] },
  { prompt: "start a return for the customer's order", capability: 'shop.start_return', fields: ['order_id'] },
  { prompt: 'refund the payment from yesterday', capability: 'payments.refund_payment', fields: ['payment_id'] },
  {
    prompt: 'invoice ap@northwind.io for the consulting work',
    capability: 'payments.create_invoice',
    fields: ['amount'],
  },
  { prompt: 'text the on-call engineer that the database is down', capability: 'sms.send_sms', fields: ['to'] },
  { prompt: 'send an SMS saying the courier is 10 minutes away', capability: 'sms.send_sms', fields: ['to'] },
  { prompt: 'DM the new hire a welcome message', capability: 'chat.send_direct_message', fields: ['user'] },
  { prompt: 'post in chat that the build is green', capability: 'chat.post_message', fields: ['channel'] },
  {
    prompt: 'share the roadmap doc with the sales team',
    capability: 'docs.share_document',
    fields: ['document_id', 'emails'],
  },
  {
    prompt: 'append a line to the meeting notes saying we agreed on Friday',
    capability: 'docs.append_to_document',
    fields: ['document_id'],
  },
  {
    prompt: 'delete the old backup from the media-archive bucket',
    capability: 'storage.delete_object',
    fields: ['key'],
  },
  { prompt: 'upload the report to storage', capability: 'storage.upload_object', fields: ['bucket', 'key', 'content'] },
  { prompt: 'acknowledge the incident', capability: 'paging.acknowledge_incident', fields: ['incident_id'] },
  { prompt: 'page the on-call about a latency spike', capability: 'paging.trigger_incident', fields: ['service'] },
  { prompt: 'merge the pull request in web/app', capability: 'repos.merge_pull_request', fields: ['number'] },
  { prompt: 'email the finance lead the monthly totals', capability: 'email.send_email', fields: ['to'] },
  { prompt: "what's in range B2:B20?", capability: 'sheets.read_range', fields: ['spreadsheet_id'] },
  { prompt: 'run a query on the analytics database', capability: 'sql.run_query', fields: ['sql'] },
  { prompt: 'schedule a meeting with kim@x.io', capability: 'calendar.create_event', fields: ['date'] },
  // Added after the planner change (held-out style).
  { prompt: 'ping the release channel', capability: 'chat.post_message', fields: ['text'] },
  { prompt: 'cancel my last order', capability: 'shop.cancel_order', fields: ['order_id'] },
]

export const chainCases: ChainCase[] = [
  {
    prompt: 'get the owner of repository web/app and send them a DM saying "please review the release branch"',
    calls: [
      { capability: 'repos.get_repository', params: { repo: 'web/app' } },
      {
        capability: 'chat.send_direct_message',
        params: { user: oneOf('dana', 'dana@corp.io'), text: 'please review the release branch' },
      },
    ],
  },
  {
    prompt: 'find the newest order of customer c_9 and start a return for it',
    calls: [
      { capability: 'shop.list_orders', params: { customer_id: 'c_9' }, maybe: { limit: 1 } },
      { capability: 'shop.start_return', params: { order_id: 'ord_5561' } },
    ],
  },
  {
    prompt: `list this week's failed payments and email the total to finance-lead@shop.io with subject "Failed payments"`,
    calls: [
      {
        capability: 'payments.list_payments',
        params: { status: 'failed', created_after: '2026-03-09' },
        maybe: { created_before: oneOf('2026-03-15', '2026-03-11') },
      },
      {
        capability: 'email.send_email',
        params: { to: 'finance-lead@shop.io', subject: 'Failed payments', body: includes('1432.5') },
      },
    ],
  },
  {
    prompt: 'look up case 9910 and text the customer that their replacement shipped',
    calls: [
      { capability: 'helpdesk.get_case', params: { case_number: 9910 } },
      { capability: 'sms.send_sms', params: { to: '+447700900123', body: includes('replacement shipped') } },
    ],
  },
  {
    prompt: "who's on call for platform? text them: db failover in progress",
    calls: [
      { capability: 'paging.get_on_call', params: { schedule: 'platform' } },
      { capability: 'sms.send_sms', params: { to: '+14155550182', body: 'db failover in progress' } },
    ],
  },
  {
    prompt: 'find the customer with email mila@example.net and show their pending orders',
    calls: [
      { capability: 'shop.find_customer', params: { email: 'mila@example.net' } },
      { capability: 'shop.list_orders', params: { customer_id: 'c_9', status: 'pending' } },
    ],
  },
  {
    prompt: `get ENG-77 and email the reporter that it's fixed, subject "ENG-77 fixed"`,
    calls: [
      { capability: 'tracker.get_issue', params: { key: 'ENG-77' } },
      {
        capability: 'email.send_email',
        params: { to: 'li.wei@corp.io', subject: 'ENG-77 fixed', body: includes('fixed') },
      },
    ],
  },
  {
    prompt:
      'check invoice 3320 and send the customer a reminder email with subject "Payment reminder" saying the invoice is overdue',
    calls: [
      { capability: 'payments.get_invoice', params: { invoice_number: 3320 } },
      {
        capability: 'email.send_email',
        params: { to: 'ap@northwind.io', subject: 'Payment reminder', body: includes('overdue') },
      },
    ],
  },
  {
    prompt: 'list triggered incidents on the search-api service and acknowledge the first one',
    calls: [
      { capability: 'paging.list_incidents', params: { service: 'search-api', status: 'triggered' } },
      { capability: 'paging.acknowledge_incident', params: { incident_id: 'PD4412' } },
    ],
  },
  {
    prompt: 'search docs for Q1 planning and share the first result with kim@x.io',
    calls: [
      { capability: 'docs.search_documents', params: { query: 'Q1 planning' } },
      { capability: 'docs.share_document', params: { document_id: 'doc_1200', emails: ['kim@x.io'] } },
    ],
  },
  {
    prompt: 'create a doc titled "Incident review" and post its link in #incidents',
    calls: [
      { capability: 'docs.create_document', params: { title: 'Incident review' } },
      {
        capability: 'chat.post_message',
        params: { channel: oneOf('incidents', '#incidents'), text: includes('https://docs.corp.io/d/doc_7731') },
      },
    ],
  },
  {
    prompt: 'find the open PRs in web/app and merge the first one',
    calls: [
      { capability: 'repos.list_pull_requests', params: { repo: 'web/app' }, maybe: { state: 'open' } },
      { capability: 'repos.merge_pull_request', params: { repo: 'web/app', number: 482 } },
    ],
  },
  {
    prompt:
      'list the files under exports/2025/ in the finance-exports bucket, get a download link for the first one and email it to cfo@corp.io with subject "Exports"',
    calls: [
      { capability: 'storage.list_objects', params: { bucket: 'finance-exports', prefix: 'exports/2025/' } },
      { capability: 'storage.get_object_url', params: { bucket: 'finance-exports', key: 'exports/2025/summary.csv' } },
      {
        capability: 'email.send_email',
        params: { to: 'cfo@corp.io', subject: 'Exports', body: includes('https://files.corp.io/signed/abc123') },
      },
    ],
  },
  {
    prompt: "look up order ord_20931, then list that customer's other orders",
    calls: [
      { capability: 'shop.get_order', params: { order_id: 'ord_20931' } },
      { capability: 'shop.list_orders', params: { customer_id: 'c_9' } },
    ],
  },
  {
    prompt: 'look up case 4521 and file a ticket in ENG with the case subject as the title',
    calls: [
      { capability: 'helpdesk.get_case', params: { case_number: 4521 } },
      { capability: 'tracker.create_issue', params: { project: 'ENG', title: 'Cannot log in' } },
    ],
  },
  {
    prompt: 'who is on call for payments? DM them the link https://status.corp.io/inc/88',
    calls: [
      { capability: 'paging.get_on_call', params: { schedule: 'payments' } },
      {
        capability: 'chat.send_direct_message',
        params: { user: oneOf('rahul', 'rahul@corp.io'), text: includes('https://status.corp.io/inc/88') },
      },
    ],
  },
  {
    prompt: 'find the customer for mila@example.net, get their latest order and cancel it',
    calls: [
      { capability: 'shop.find_customer', params: { email: 'mila@example.net' } },
      { capability: 'shop.list_orders', params: { customer_id: 'c_9' }, maybe: { limit: 1 } },
      { capability: 'shop.cancel_order', params: { order_id: 'ord_5561' } },
    ],
  },
  {
    prompt: 'get ENG-77 and text the assignee about it',
    calls: [{ capability: 'tracker.get_issue', params: { key: 'ENG-77' } }],
    ask: ['to'],
  },
  // Added after the planner change (held-out style).
  {
    prompt: 'grab invoice 4410 and text a reminder to +1 212 555 0199 saying it is overdue',
    calls: [
      { capability: 'payments.get_invoice', params: { invoice_number: 4410 } },
      {
        capability: 'sms.send_sms',
        params: { to: oneOf('+12125550199', '+1 212 555 0199'), body: includes('overdue') },
      },
    ],
  },
  {
    prompt: 'look up the owner of acme/api and email them',
    calls: [{ capability: 'repos.get_repository', params: { repo: 'acme/api' } }],
    ask: ['subject', 'body'],
  },
]
