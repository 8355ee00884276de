import type { Tool } from '@inboard/tools'
import { z } from 'zod'
import { heldoutTools } from './heldout-tools.js'
import { heldout3Tools } from './heldout3-tools.js'
import { ok, tool, type LoggedCall } from './logged-tool.js'

export type { LoggedCall } from './logged-tool.js'

/** Every tool of the evaluation: the fourteen of the first set, the five added with heldout-2 and the two with heldout-3. */
export function evaluationTools(log: LoggedCall[]): Tool[] {
  return [...firstTools(log), ...heldoutTools(log), ...heldout3Tools(log)]
}

/** Fourteen tools in domains the planner was not written for. */
export function firstTools(log: LoggedCall[]): Tool[] {
  return [
    tool(log, 'tracker', {
      description: 'Issue tracker: projects, issues, comments and workflow states',
      capabilities: {
        create_issue: {
          description: 'Open a new issue (ticket, bug) in a project',
          input: z.object({
            project: z.string().describe('Project key, e.g. ENG'),
            title: z.string().describe('One-line summary of the issue'),
            description: z.string().optional().describe('Longer details'),
            priority: z.enum(['low', 'medium', 'high', 'urgent']).default('medium'),
            assignee: z.string().optional().describe('Username of the person to assign'),
          }),
          sideEffects: true,
          output: () => ({ key: 'ENG-101', url: 'https://tracker.corp.io/ENG-101' }),
        },
        get_issue: {
          description: 'Get one issue by its key, with status, assignee and reporter',
          input: z.object({ key: z.string().describe('Issue key such as ENG-42') }),
          output: (input) => ({
            key: input.key,
            title: 'Checkout fails on Safari',
            status: 'open',
            assignee: 'marta',
            reporter: 'li.wei',
            reporter_email: 'li.wei@corp.io',
            priority: 'high',
          }),
        },
        search_issues: {
          description: 'Search issues by text, project, status or assignee',
          input: z.object({
            query: z.string().optional().describe('Free text to match in title or description'),
            project: z.string().optional().describe('Project key, e.g. ENG'),
            status: z.enum(['open', 'in_progress', 'resolved', 'closed']).optional(),
            assignee: z.string().optional(),
            updated_after: z.iso.date().optional(),
          }),
          output: () => ({ issues: [{ key: 'WEB-12', title: 'Footer overlaps cookie banner', status: 'open' }] }),
        },
        set_status: {
          description: 'Move an issue to another workflow state: start, resolve, close or reopen it',
          input: z.object({
            key: z.string().describe('Issue key such as ENG-42'),
            status: z.enum(['open', 'in_progress', 'resolved', 'closed']),
          }),
          sideEffects: true,
          output: ok('transition'),
        },
        assign_issue: {
          description: 'Assign an issue to a person',
          input: z.object({
            key: z.string().describe('Issue key such as ENG-42'),
            assignee: z.string().describe('Username of the new assignee'),
          }),
          sideEffects: true,
          output: ok('assignment'),
        },
        add_comment: {
          description: 'Add a comment to an issue',
          input: z.object({
            key: z.string().describe('Issue key such as ENG-42'),
            body: z.string().describe('Comment text'),
          }),
          sideEffects: true,
          output: ok('comment'),
        },
      },
    }),
    tool(log, 'helpdesk', {
      description: 'Customer support desk: cases, replies and escalations',
      capabilities: {
        get_case: {
          description: 'Look up a support case by its number',
          input: z.object({ case_number: z.number().int().describe('Case number, e.g. 9910') }),
          output: (input) => ({
            case_number: input.case_number,
            subject: 'Cannot log in',
            customer_email: 'jo@brightlane.com',
            customer_phone: '+447700900123',
            status: 'open',
          }),
        },
        list_cases: {
          description: 'List support cases, filtered by status or customer',
          input: z.object({
            status: z.enum(['new', 'open', 'pending', 'solved']).optional(),
            customer_email: z.email().optional(),
            limit: z.number().int().min(1).max(100).default(20),
          }),
          output: () => ({ cases: [{ case_number: 9910, subject: 'Cannot log in', status: 'pending' }] }),
        },
        escalate_case: {
          description: 'Escalate a support case to a higher support tier',
          input: z.object({
            case_number: z.number().int(),
            level: z.enum(['tier2', 'tier3', 'engineering']).default('tier2'),
            reason: z.string().optional(),
          }),
          sideEffects: true,
          output: ok('escalation'),
        },
        reply_to_case: {
          description: 'Reply to the customer on a case, or add an internal note',
          input: z.object({
            case_number: z.number().int(),
            message: z.string().describe('Text of the reply'),
            internal: z.boolean().default(false).describe('An internal note the customer does not see'),
          }),
          sideEffects: true,
          output: ok('reply'),
        },
      },
    }),
    tool(log, 'shop', {
      description: 'Online shop back office: customers, orders, returns',
      capabilities: {
        get_order: {
          description: 'Get one order by id',
          input: z.object({ order_id: z.string().describe('Order id such as ord_1234') }),
          output: (input) => ({
            order_id: input.order_id,
            customer_id: 'c_9',
            status: 'delivered',
            total: 84.9,
            currency: 'EUR',
            customer_email: 'mila@example.net',
          }),
        },
        list_orders: {
          description: "List a customer's orders, newest first",
          input: z.object({
            customer_id: z.string().describe('Customer id such as c_123'),
            status: z.enum(['pending', 'paid', 'shipped', 'delivered', 'cancelled']).optional(),
            limit: z.number().int().min(1).max(50).default(10),
          }),
          output: () => ({
            orders: [
              { order_id: 'ord_5561', placed_at: '2026-03-08', total: 84.9, status: 'delivered' },
              { order_id: 'ord_5102', placed_at: '2026-02-20', total: 19.5, status: 'delivered' },
            ],
          }),
        },
        find_customer: {
          description: 'Find a customer by email address',
          input: z.object({ email: z.email() }),
          output: (input) => ({ customer_id: 'c_9', name: 'Mila Novak', email: input.email }),
        },
        start_return: {
          description: 'Start a return (RMA) for an order',
          input: z.object({
            order_id: z.string().describe('Order id such as ord_1234'),
            reason: z.string().optional(),
          }),
          sideEffects: true,
          output: () => ({ return_id: 'ret_221', status: 'awaiting_parcel' }),
        },
        cancel_order: {
          description: 'Cancel an order that has not shipped yet',
          input: z.object({
            order_id: z.string().describe('Order id such as ord_1234'),
            reason: z.string().optional(),
          }),
          sideEffects: true,
          output: ok('cancellation'),
        },
      },
    }),
    tool(log, 'payments', {
      description: 'Payments: charges, refunds, invoices and vendor payouts',
      capabilities: {
        list_payments: {
          description: 'List incoming payments, filtered by status, date or amount',
          input: z.object({
            status: z.enum(['succeeded', 'failed', 'pending', 'refunded']).optional(),
            created_after: z.iso.date().optional(),
            created_before: z.iso.date().optional(),
            min_amount: z.number().optional().describe('Only payments of at least this amount'),
          }),
          output: () => ({
            payments: [
              { payment_id: 'pay_1', amount: 1200, currency: 'EUR' },
              { payment_id: 'pay_2', amount: 232.5, currency: 'EUR' },
            ],
            count: 2,
            total: 1432.5,
          }),
        },
        refund_payment: {
          description: 'Refund a payment, wholly or partly',
          input: z.object({
            payment_id: z.string().describe('Payment id such as pay_123'),
            amount: z.number().optional().describe('Partial amount; the whole payment when omitted'),
          }),
          sideEffects: true,
          output: ok('refund'),
        },
        create_invoice: {
          description: 'Create and send an invoice to a customer',
          input: z.object({
            customer_email: z.email(),
            amount: z.number().positive(),
            currency: z.enum(['USD', 'EUR', 'GBP']),
            due_date: z.iso.date().optional(),
            memo: z.string().optional(),
          }),
          sideEffects: true,
          output: () => ({ invoice_number: 3321, status: 'sent' }),
        },
        get_invoice: {
          description: 'Get an invoice by its number',
          input: z.object({ invoice_number: z.number().int() }),
          output: (input) => ({
            invoice_number: input.invoice_number,
            amount: 560,
            currency: 'EUR',
            status: 'overdue',
            customer_email: 'ap@northwind.io',
          }),
        },
        create_payout: {
          description: 'Pay a vendor: send money to their bank account',
          input: z.object({
            vendor_id: z.string().describe('Vendor id, e.g. VND88213'),
            amount: z.number().positive(),
            currency: z.enum(['USD', 'EUR', 'GBP']),
          }),
          sideEffects: true,
          output: ok('payout'),
        },
      },
    }),
    tool(log, 'sms', {
      description: 'Text messages (SMS) to phones',
      capabilities: {
        send_sms: {
          description: 'Send a text message to a phone number',
          input: z.object({
            to: z.string().describe('Phone number in E.164 format, e.g. +14155550100'),
            body: z.string().max(480),
          }),
          sideEffects: true,
          output: () => ({ sid: 'SM1f2e', status: 'queued' }),
        },
        list_sent: {
          description: 'List text messages we sent',
          input: z.object({
            to: z.string().optional().describe('Only messages to this phone number'),
            sent_after: z.iso.date().optional(),
            status: z.enum(['delivered', 'failed', 'queued']).optional(),
          }),
          output: () => ({ messages: [{ sid: 'SM11', to: '+4915112345678', status: 'delivered' }] }),
        },
      },
    }),
    tool(log, 'chat', {
      description: 'Team chat: channels and direct messages',
      capabilities: {
        post_message: {
          description: 'Post a message in a channel',
          input: z.object({ channel: z.string().describe('Channel name without the #'), text: z.string() }),
          sideEffects: true,
          output: ok('message'),
        },
        send_direct_message: {
          description: 'Send a direct message to one person',
          input: z.object({ user: z.string().describe('Username or email of the person'), text: z.string() }),
          sideEffects: true,
          output: ok('dm'),
        },
        list_messages: {
          description: 'Read recent messages of a channel',
          input: z.object({
            channel: z.string().describe('Channel name without the #'),
            since: z.iso.date().optional(),
            limit: z.number().int().min(1).max(200).default(50),
          }),
          output: () => ({ messages: [{ user: 'kofi', text: 'rolling back' }] }),
        },
      },
    }),
    tool(log, 'docs', {
      description: 'Shared documents: create, search, edit and share',
      capabilities: {
        create_document: {
          description: 'Create a new document',
          input: z.object({ title: z.string(), content: z.string().optional(), folder: z.string().optional() }),
          sideEffects: true,
          output: () => ({ document_id: 'doc_7731', url: 'https://docs.corp.io/d/doc_7731' }),
        },
        search_documents: {
          description: 'Search documents by text',
          input: z.object({
            query: z.string(),
            limit: z.number().int().min(1).max(50).default(10),
            owner: z.string().optional(),
          }),
          output: () => ({
            documents: [{ document_id: 'doc_1200', title: 'Q1 planning', url: 'https://docs.corp.io/d/doc_1200' }],
          }),
        },
        append_to_document: {
          description: 'Append text at the end of a document',
          input: z.object({ document_id: z.string(), text: z.string() }),
          sideEffects: true,
          output: ok('append'),
        },
        share_document: {
          description: 'Share a document with people by email',
          input: z.object({
            document_id: z.string(),
            emails: z.array(z.email()).min(1),
            role: z.enum(['viewer', 'commenter', 'editor']).default('viewer'),
          }),
          sideEffects: true,
          output: ok('share'),
        },
      },
    }),
    tool(log, 'sheets', {
      description: 'Spreadsheets: read and write cell ranges',
      capabilities: {
        read_range: {
          description: 'Read the values of a cell range',
          input: z.object({
            spreadsheet_id: z.string(),
            range: z.string().describe('A1 notation, e.g. B2:D10'),
            sheet: z.string().optional(),
          }),
          output: () => ({
            values: [
              ['Acme', '1200'],
              ['Globex', '800'],
            ],
          }),
        },
        append_row: {
          description: 'Append a row of values at the bottom of a sheet',
          input: z.object({
            spreadsheet_id: z.string(),
            values: z.array(z.string()).min(1),
            sheet: z.string().optional(),
          }),
          sideEffects: true,
          output: ok('row'),
        },
        clear_range: {
          description: 'Clear the values of a cell range',
          input: z.object({ spreadsheet_id: z.string(), range: z.string().describe('A1 notation, e.g. B2:D10') }),
          sideEffects: true,
          output: ok('clear'),
        },
      },
    }),
    tool(log, 'sql', {
      description: 'Read-only SQL access to company databases',
      capabilities: {
        run_query: {
          description: 'Run a read-only SQL query and return the rows',
          input: z.object({
            database: z.string(),
            sql: z.string().describe('A SELECT statement'),
            limit: z.number().int().min(1).max(1000).default(100),
          }),
          output: () => ({ rows: [{ count: 118 }], row_count: 1 }),
        },
        list_tables: {
          description: 'List the tables of a database',
          input: z.object({ database: z.string(), schema: z.string().default('public') }),
          output: () => ({ tables: ['orders', 'customers', 'shipments'] }),
        },
      },
    }),
    tool(log, 'storage', {
      description: 'Object storage: buckets of files',
      capabilities: {
        list_objects: {
          description: 'List objects in a bucket',
          input: z.object({
            bucket: z.string(),
            prefix: z.string().optional().describe('Only keys starting with this prefix, e.g. reports/2025/'),
          }),
          output: () => ({
            objects: [
              { key: 'exports/2025/summary.csv', size: 1200 },
              { key: 'exports/2025/detail.csv', size: 88000 },
            ],
          }),
        },
        get_object_url: {
          description: 'Create a temporary download link for an object',
          input: z.object({
            bucket: z.string(),
            key: z.string().describe('Object key (path) in the bucket'),
            expires_in_minutes: z.number().int().min(1).max(10080).default(60),
          }),
          output: () => ({ url: 'https://files.corp.io/signed/abc123', expires_at: '2026-03-11T11:00:00Z' }),
        },
        upload_object: {
          description: 'Upload text content as an object',
          input: z.object({
            bucket: z.string(),
            key: z.string().describe('Object key (path) in the bucket'),
            content: z.string(),
          }),
          sideEffects: true,
          output: ok('upload'),
        },
        delete_object: {
          description: 'Delete an object from a bucket',
          input: z.object({ bucket: z.string(), key: z.string().describe('Object key (path) in the bucket') }),
          sideEffects: true,
          output: ok('delete'),
        },
      },
    }),
    tool(log, 'paging', {
      description: 'Incident response: incidents, on-call schedules and paging',
      capabilities: {
        list_incidents: {
          description: 'List incidents, by service or status',
          input: z.object({
            service: z.string().optional(),
            status: z.enum(['triggered', 'acknowledged', 'resolved']).optional(),
            since: z.iso.date().optional(),
          }),
          output: (input) => ({
            incidents: [
              {
                incident_id: 'PD4412',
                title: 'API latency',
                service: input.service ?? 'search-api',
                status: 'triggered',
              },
            ],
          }),
        },
        acknowledge_incident: {
          description: 'Acknowledge an incident so it stops escalating',
          input: z.object({ incident_id: z.string() }),
          sideEffects: true,
          output: ok('ack'),
        },
        resolve_incident: {
          description: 'Resolve an incident',
          input: z.object({ incident_id: z.string(), resolution_note: z.string().optional() }),
          sideEffects: true,
          output: ok('resolve'),
        },
        trigger_incident: {
          description: 'Trigger a new incident, paging whoever is on call for the service',
          input: z.object({
            service: z.string(),
            summary: z.string(),
            severity: z.enum(['critical', 'error', 'warning', 'info']).default('error'),
          }),
          sideEffects: true,
          output: () => ({ incident_id: 'PD5000' }),
        },
        get_on_call: {
          description: 'Who is on call right now for a schedule, with contact details',
          input: z.object({ schedule: z.string().describe('Schedule or team name') }),
          output: () => ({
            user: 'rahul',
            email: 'rahul@corp.io',
            phone: '+14155550182',
            until: '2026-03-12T09:00:00Z',
          }),
        },
      },
    }),
    tool(log, 'repos', {
      description: 'Code hosting: repositories, files and pull requests',
      capabilities: {
        get_repository: {
          description: 'Get a repository with its owner and default branch',
          input: z.object({ repo: z.string().describe('owner/name, e.g. web/app') }),
          output: (input) => ({
            full_name: input.repo,
            owner: 'dana',
            owner_email: 'dana@corp.io',
            default_branch: 'main',
            open_issues: 12,
          }),
        },
        list_pull_requests: {
          description: 'List pull requests of a repository',
          input: z.object({
            repo: z.string().describe('owner/name, e.g. web/app'),
            state: z.enum(['open', 'closed', 'merged']).default('open'),
            author: z.string().optional(),
          }),
          output: () => ({ pull_requests: [{ number: 482, title: 'Fix flaky test', author: 'kofi' }] }),
        },
        merge_pull_request: {
          description: 'Merge a pull request',
          input: z.object({
            repo: z.string().describe('owner/name, e.g. web/app'),
            number: z.number().int(),
            method: z.enum(['merge', 'squash', 'rebase']).default('merge'),
          }),
          sideEffects: true,
          output: ok('merge'),
        },
        get_file: {
          description: 'Read a file of a repository',
          input: z.object({
            repo: z.string().describe('owner/name, e.g. web/app'),
            path: z.string(),
            ref: z.string().default('main').describe('Branch, tag or commit'),
          }),
          output: () => ({ content: 'export {}' }),
        },
      },
    }),
    tool(log, 'calendar', {
      description: 'Calendar: events and meetings',
      capabilities: {
        create_event: {
          description: 'Create a calendar event and invite attendees',
          input: z.object({ title: z.string(), date: z.iso.date(), attendees: z.array(z.email()).optional() }),
          sideEffects: true,
          output: () => ({ event_id: 'evt_77' }),
        },
        list_events: {
          description: 'List calendar events between two dates',
          input: z.object({ after: z.iso.date().optional(), before: z.iso.date().optional() }),
          output: () => ({ events: [{ title: 'Standup', date: '2026-03-12' }] }),
        },
      },
    }),
    tool(log, 'email', {
      description: 'Email: send mail and search the inbox',
      capabilities: {
        send_email: {
          description: 'Send an email',
          input: z.object({ to: z.email(), subject: z.string(), body: z.string(), cc: z.array(z.email()).optional() }),
          sideEffects: true,
          output: () => ({ message_id: 'msg_900' }),
        },
        search_inbox: {
          description: 'Search received email',
          input: z.object({
            query: z.string().optional(),
            from: z.email().optional(),
            received_after: z.iso.date().optional(),
            unread_only: z.boolean().default(false),
          }),
          output: () => ({ messages: [{ id: 'msg_31', from: 'billing@stripe.com', subject: 'Your invoice' }] }),
        },
      },
    }),
  ]
}
