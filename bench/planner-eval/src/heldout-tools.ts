import type { Tool } from '@inboard/tools'
import { z } from 'zod'
import { ok, tool, type LoggedCall } from './logged-tool.js'

const environment = z.enum(['development', 'staging', 'production'])

/**
 * Five tools added with the heldout-2 cases (CRM, HR, shipping, DNS, feature flags), written with
 * those cases and before any planner change made for them. They sit next to the first fourteen, so
 * every case of the set competes against all of them.
 */
export function heldoutTools(log: LoggedCall[]): Tool[] {
  return [
    tool(log, 'crm', {
      description: 'CRM: contacts, companies, deals and sales activities',
      capabilities: {
        find_contact: {
          description: 'Find a contact by email address or name',
          input: z.object({ email: z.email().optional(), name: z.string().optional() }),
          output: (input) => ({
            contact_id: 'ct_301',
            name: 'Ana Ruiz',
            email: input.email ?? 'ana@northwind.io',
            phone: '+34 612 345 678',
            owner: 'jsmith',
            company_id: 'co_55',
          }),
        },
        get_deal: {
          description: 'Get one deal by id, with amount, stage and owner',
          input: z.object({ deal_id: z.string().describe('Deal id such as dl_123') }),
          output: (input) => ({
            deal_id: input.deal_id,
            name: 'Northwind renewal',
            amount: 48000,
            currency: 'USD',
            stage: 'negotiation',
            owner: 'jsmith',
            owner_email: 'j.smith@corp.io',
            contact_email: 'ana@northwind.io',
          }),
        },
        list_deals: {
          description: 'List deals, filtered by stage, owner, close date or amount',
          input: z.object({
            stage: z.enum(['prospecting', 'qualified', 'negotiation', 'won', 'lost']).optional(),
            owner: z.string().optional(),
            closing_before: z.iso.date().optional(),
            min_amount: z.number().optional(),
          }),
          output: () => ({
            deals: [
              { deal_id: 'dl_880', name: 'Globex expansion', amount: 36000, stage: 'qualified', owner: 'r.okafor' },
            ],
            total: 36000,
          }),
        },
        update_deal_stage: {
          description: 'Move a deal to another pipeline stage',
          input: z.object({
            deal_id: z.string().describe('Deal id such as dl_123'),
            stage: z.enum(['prospecting', 'qualified', 'negotiation', 'won', 'lost']),
          }),
          sideEffects: true,
          output: ok('stage'),
        },
        assign_owner: {
          description: 'Give a deal to another sales rep',
          input: z.object({
            deal_id: z.string().describe('Deal id such as dl_123'),
            owner: z.string().describe('Username of the sales rep'),
          }),
          sideEffects: true,
          output: ok('owner'),
        },
        log_activity: {
          description: 'Log a call, email or meeting on a contact',
          input: z.object({
            contact_id: z.string().describe('Contact id such as ct_123'),
            type: z.enum(['call', 'email', 'meeting']),
            note: z.string(),
          }),
          sideEffects: true,
          output: () => ({ activity_id: 'act_7001' }),
        },
      },
    }),
    tool(log, 'hr', {
      description: 'HR: employees, time off and onboarding',
      capabilities: {
        get_employee: {
          description: 'Get an employee by id, with email, department and manager',
          input: z.object({ employee_id: z.string().describe('Employee id such as E1042') }),
          output: (input) => ({
            employee_id: input.employee_id,
            name: 'Tomás Ortega',
            email: 'tomas.ortega@corp.io',
            department: 'Finance',
            manager_id: 'E0007',
            manager_email: 'h.kim@corp.io',
            phone: '+1 646 555 0134',
          }),
        },
        list_time_off: {
          description: 'List time-off requests, by employee, status or start date',
          input: z.object({
            employee_id: z.string().optional(),
            status: z.enum(['pending', 'approved', 'rejected']).optional(),
            starts_after: z.iso.date().optional(),
          }),
          output: (input) => ({
            requests: [
              {
                request_id: 'TO-5521',
                employee_id: input.employee_id ?? 'E1042',
                status: input.status ?? 'pending',
                start_date: '2026-04-06',
                end_date: '2026-04-10',
              },
            ],
          }),
        },
        request_time_off: {
          description: 'Request time off (vacation, sick or parental leave) for an employee',
          input: z.object({
            employee_id: z.string().describe('Employee id such as E1042'),
            start_date: z.iso.date(),
            end_date: z.iso.date(),
            type: z.enum(['vacation', 'sick', 'parental']).default('vacation'),
          }),
          sideEffects: true,
          output: () => ({ request_id: 'TO-6001', status: 'pending' }),
        },
        approve_time_off: {
          description: 'Approve a pending time-off request',
          input: z.object({ request_id: z.string().describe('Request id such as TO-123') }),
          sideEffects: true,
          output: ok('approval'),
        },
        start_onboarding: {
          description: 'Start onboarding a new hire: accounts, laptop and first-day checklist',
          input: z.object({ email: z.email(), start_date: z.iso.date(), department: z.string() }),
          sideEffects: true,
          output: () => ({ onboarding_id: 'onb_12' }),
        },
      },
    }),
    tool(log, 'shipping', {
      description: 'Shipping: labels, shipments and parcel tracking',
      capabilities: {
        track_shipment: {
          description: 'Track a parcel by its tracking number',
          input: z.object({ tracking_number: z.string().describe('Carrier tracking number, e.g. 1Z999AA10123456784') }),
          output: (input) => ({
            tracking_number: input.tracking_number,
            status: 'in_transit',
            eta: '2026-03-13',
            recipient_email: 'ops@fabrikam.com',
            order_ref: 'SO-7710',
          }),
        },
        list_shipments: {
          description: 'List shipments by status, ship date or destination',
          input: z.object({
            status: z.enum(['label_created', 'in_transit', 'delivered', 'exception']).optional(),
            shipped_after: z.iso.date().optional(),
            destination_country: z.string().optional().describe('ISO country code, e.g. DE'),
          }),
          output: (input) => ({
            shipments: [
              { tracking_number: '1Z999AA10123456784', order_ref: 'SO-7710', status: input.status ?? 'in_transit' },
            ],
          }),
        },
        create_label: {
          description: 'Buy a shipping label for an order',
          input: z.object({
            order_ref: z.string().describe('Order reference such as SO-1234'),
            weight_kg: z.number().positive(),
            service: z.enum(['ground', 'express', 'overnight']).default('ground'),
          }),
          sideEffects: true,
          output: () => ({
            label_id: 'lbl_9001',
            tracking_number: '1Z84X0W90312345678',
            label_url: 'https://ship.corp.io/labels/lbl_9001.pdf',
          }),
        },
        cancel_shipment: {
          description: 'Void a shipment label before the carrier picks it up',
          input: z.object({ tracking_number: z.string().describe('Carrier tracking number') }),
          sideEffects: true,
          output: ok('void'),
        },
      },
    }),
    tool(log, 'dns', {
      description: 'DNS: zones and their records',
      capabilities: {
        list_records: {
          description: 'List the DNS records of a zone',
          input: z.object({
            zone: z.string().describe('Domain name, e.g. example.com'),
            type: z.enum(['A', 'AAAA', 'CNAME', 'MX', 'TXT']).optional(),
          }),
          output: (input) => ({
            records: [
              { record_id: 'rec_31', name: '@', type: input.type ?? 'CNAME', value: 'mx1.mailhost.net', ttl: 3600 },
            ],
          }),
        },
        create_record: {
          description: 'Add a DNS record to a zone',
          input: z.object({
            zone: z.string().describe('Domain name, e.g. example.com'),
            name: z.string().describe('Host name inside the zone, e.g. www, or @ for the zone itself'),
            type: z.enum(['A', 'AAAA', 'CNAME', 'MX', 'TXT']),
            value: z.string().describe('Address, target host or text'),
            ttl: z.number().int().min(60).default(3600),
          }),
          sideEffects: true,
          output: () => ({ record_id: 'rec_900' }),
        },
        delete_record: {
          description: 'Delete a DNS record from a zone',
          input: z.object({
            zone: z.string().describe('Domain name, e.g. example.com'),
            record_id: z.string().describe('Record id such as rec_123'),
          }),
          sideEffects: true,
          output: ok('deleted'),
        },
      },
    }),
    tool(log, 'flags', {
      description: 'Feature flags: turn features on and off per environment, gradual rollouts',
      capabilities: {
        get_flag: {
          description: 'Get a feature flag: whether it is on, its rollout and owner',
          input: z.object({
            key: z.string().describe('Flag key such as new-checkout'),
            environment: environment.default('production'),
          }),
          output: (input) => ({
            key: input.key,
            environment: input.environment,
            enabled: false,
            rollout_percent: 0,
            owner: 'marta',
            owner_email: 'marta@corp.io',
          }),
        },
        list_flags: {
          description: 'List feature flags of an environment',
          input: z.object({
            environment: environment.optional(),
            stale_only: z.boolean().default(false).describe('Only flags nobody changed for 90 days'),
          }),
          output: () => ({ flags: [{ key: 'legacy-search', enabled: true, stale: true }] }),
        },
        set_flag: {
          description: 'Turn a feature flag on or off in one environment',
          input: z.object({
            key: z.string().describe('Flag key such as new-checkout'),
            environment,
            enabled: z.boolean(),
          }),
          sideEffects: true,
          output: ok('flag'),
        },
        set_rollout: {
          description: 'Roll a feature flag out to a percentage of users',
          input: z.object({
            key: z.string().describe('Flag key such as new-checkout'),
            environment,
            percent: z.number().int().min(0).max(100),
          }),
          sideEffects: true,
          output: ok('rollout'),
        },
      },
    }),
  ]
}
