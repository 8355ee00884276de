import type { AskCase, ChainCase, Expected, SingleCase } from './cases.js'

/**
 * heldout-2: written in one sitting on 2026-11-30, before any planner change made for them, in
 * wording and domains (CRM, HR, shipping, DNS, feature flags; calendar, SMS, storage and tracker in
 * new words) the planner was not tuned on. Their first score is reported as they were written;
 * none may be edited to make it pass. The clock reads 2026-03-11T10:00:00Z, a Wednesday.
 */

const oneOf = (...values: unknown[]): { $oneOf: unknown[] } => ({ $oneOf: values })
const includes = (text: string): Expected => ({ $includes: text })

export const heldoutSingleCases: SingleCase[] = [
  // feature flags: verbs "turn on", "disable", "roll out"; a verb inside a question
  {
    prompt: 'turn on new-checkout in staging',
    call: { capability: 'flags.set_flag', params: { key: 'new-checkout', environment: 'staging', enabled: true } },
  },
  {
    prompt: 'disable the dark-mode flag in production',
    call: { capability: 'flags.set_flag', params: { key: 'dark-mode', environment: 'production', enabled: false } },
  },
  {
    prompt: 'roll search-v2 out to 25% of users in production',
    call: { capability: 'flags.set_rollout', params: { key: 'search-v2', environment: 'production', percent: 25 } },
  },
  {
    prompt: 'is the beta-banner flag enabled on staging?',
    call: { capability: 'flags.get_flag', params: { key: 'beta-banner', environment: 'staging' } },
  },
  {
    prompt: 'which flags did we turn on in production?',
    call: { capability: 'flags.list_flags', params: { environment: 'production' } },
  },
  {
    prompt: 'show stale flags in development',
    call: { capability: 'flags.list_flags', params: { environment: 'development', stale_only: true } },
  },
  // DNS: zones as containers, a default overridden, quoted values
  {
    prompt: 'create an A record for api in the example.org zone pointing to 203.0.113.10, ttl 300',
    call: {
      capability: 'dns.create_record',
      params: { zone: 'example.org', name: 'api', type: 'A', value: '203.0.113.10', ttl: 300 },
    },
  },
  {
    prompt: 'add a TXT record @ to corp-mail.com with value "v=spf1 include:_spf.corp.io ~all"',
    call: {
      capability: 'dns.create_record',
      params: { zone: 'corp-mail.com', name: '@', type: 'TXT', value: 'v=spf1 include:_spf.corp.io ~all' },
    },
  },
  {
    prompt: 'show the MX records of brightlane.com',
    call: { capability: 'dns.list_records', params: { zone: 'brightlane.com', type: 'MX' } },
  },
  {
    prompt: 'remove record rec_8812 from the example.org zone',
    call: { capability: 'dns.delete_record', params: { zone: 'example.org', record_id: 'rec_8812' } },
  },
  // CRM: stage words that are also English words, ids after a noun, amounts with separators
  {
    prompt: 'move deal dl_4410 to negotiation',
    call: { capability: 'crm.update_deal_stage', params: { deal_id: 'dl_4410', stage: 'negotiation' } },
  },
  {
    prompt: 'mark dl_77 as won',
    call: { capability: 'crm.update_deal_stage', params: { deal_id: 'dl_77', stage: 'won' } },
  },
  {
    prompt: 'hand deal dl_3009 over to r.okafor',
    call: { capability: 'crm.assign_owner', params: { deal_id: 'dl_3009', owner: 'r.okafor' } },
  },
  {
    prompt: 'log a call with contact ct_552: they want a demo next Tuesday',
    call: {
      capability: 'crm.log_activity',
      params: { contact_id: 'ct_552', type: 'call', note: includes('they want a demo next Tuesday') },
    },
  },
  {
    prompt: 'which qualified deals close before April 30 and are worth at least $20,000?',
    call: {
      capability: 'crm.list_deals',
      params: { stage: 'qualified', closing_before: '2026-04-30', min_amount: 20000 },
    },
  },
  {
    prompt: 'who is ana@northwind.io in the CRM?',
    call: { capability: 'crm.find_contact', params: { email: 'ana@northwind.io' } },
  },
  // HR: date ranges, request ids, lists of values
  {
    prompt: 'book vacation for E1042 from April 6 to April 10',
    call: {
      capability: 'hr.request_time_off',
      params: { employee_id: 'E1042', start_date: '2026-04-06', end_date: '2026-04-10' },
      maybe: { type: 'vacation' },
    },
  },
  {
    prompt: 'approve time-off request TO-5521',
    call: { capability: 'hr.approve_time_off', params: { request_id: 'TO-5521' } },
  },
  {
    prompt: 'any pending time off requests starting after May 1?',
    call: { capability: 'hr.list_time_off', params: { status: 'pending', starts_after: '2026-05-01' } },
  },
  {
    prompt: 'onboard new.hire@corp.io into Finance starting April 1',
    call: {
      capability: 'hr.start_onboarding',
      params: { email: 'new.hire@corp.io', department: 'Finance', start_date: '2026-04-01' },
    },
  },
  // shipping: long identifiers, units, enum values as adjectives
  {
    prompt: 'where is parcel 1Z999AA10123456784 right now?',
    call: { capability: 'shipping.track_shipment', params: { tracking_number: '1Z999AA10123456784' } },
  },
  {
    prompt: 'buy an overnight label for order SO-7710, 2.5 kg',
    call: {
      capability: 'shipping.create_label',
      params: { order_ref: 'SO-7710', service: 'overnight', weight_kg: 2.5 },
    },
  },
  {
    prompt: 'void the label on 1Z84X0W90312345678',
    call: { capability: 'shipping.cancel_shipment', params: { tracking_number: '1Z84X0W90312345678' } },
  },
  {
    prompt: 'list shipments with an exception since March 1',
    call: { capability: 'shipping.list_shipments', params: { status: 'exception', shipped_after: '2026-03-01' } },
  },
  // first-set tools in new words
  {
    prompt: 'reopen SUP-1402 please, customer says it is back',
    call: { capability: 'tracker.set_status', params: { key: 'SUP-1402', status: 'open' } },
  },
  {
    prompt: 'text +49 151 2345 6789 "door code is 4471"',
    call: {
      capability: 'sms.send_sms',
      params: { to: oneOf('+4915123456789', '+49 151 2345 6789'), body: 'door code is 4471' },
    },
  },
  {
    prompt: 'set up "Vendor sync" on March 20 with ops@fabrikam.com and kim@x.io',
    call: {
      capability: 'calendar.create_event',
      params: { title: 'Vendor sync', date: '2026-03-20', attendees: ['ops@fabrikam.com', 'kim@x.io'] },
    },
  },
  {
    prompt: 'any meetings on my calendar before March 14?',
    call: { capability: 'calendar.list_events', params: { before: '2026-03-14' }, maybe: { after: '2026-03-11' } },
  },
  {
    prompt: 'upload `hello world` as greetings/hi.txt to the sandbox-files bucket',
    call: {
      capability: 'storage.upload_object',
      params: { bucket: 'sandbox-files', key: 'greetings/hi.txt', content: 'hello world' },
    },
  },
]

export const heldoutAskCases: AskCase[] = [
  { prompt: 'turn on the new-checkout flag', capability: 'flags.set_flag', fields: ['environment'] },
  { prompt: 'move the Globex deal to won', capability: 'crm.update_deal_stage', fields: ['deal_id'] },
  { prompt: 'approve the time off request', capability: 'hr.approve_time_off', fields: ['request_id'] },
  { prompt: 'buy a shipping label for order SO-8120', capability: 'shipping.create_label', fields: ['weight_kg'] },
  {
    prompt: 'add a CNAME record for docs pointing to hosting.example.net',
    capability: 'dns.create_record',
    fields: ['zone'],
  },
  { prompt: 'delete the old TXT record from example.org', capability: 'dns.delete_record', fields: ['record_id'] },
  { prompt: 'log a meeting on the contact: signed the NDA', capability: 'crm.log_activity', fields: ['contact_id'] },
  {
    prompt: 'request sick leave from March 16 to March 18',
    capability: 'hr.request_time_off',
    fields: ['employee_id'],
  },
  { prompt: 'SMS the courier the new delivery address', capability: 'sms.send_sms', fields: ['to'] },
  { prompt: 'reassign deal dl_501', capability: 'crm.assign_owner', fields: ['owner'] },
]

export const heldoutChainCases: ChainCase[] = [
  {
    prompt: 'look up employee E1042 and email their manager with subject "Laptop return" saying the laptop arrived',
    calls: [
      { capability: 'hr.get_employee', params: { employee_id: 'E1042' } },
      {
        capability: 'email.send_email',
        params: { to: 'h.kim@corp.io', subject: 'Laptop return', body: includes('laptop arrived') },
      },
    ],
  },
  {
    prompt: 'track 1Z999AA10123456784 and email the recipient the ETA, subject "Your delivery"',
    calls: [
      { capability: 'shipping.track_shipment', params: { tracking_number: '1Z999AA10123456784' } },
      {
        capability: 'email.send_email',
        params: { to: 'ops@fabrikam.com', subject: 'Your delivery', body: includes('2026-03-13') },
      },
    ],
  },
  {
    prompt: 'get deal dl_4410 and DM its owner: contract is ready to sign',
    calls: [
      { capability: 'crm.get_deal', params: { deal_id: 'dl_4410' } },
      {
        capability: 'chat.send_direct_message',
        params: { user: oneOf('jsmith', 'j.smith@corp.io'), text: 'contract is ready to sign' },
      },
    ],
  },
  {
    prompt: 'find the contact with email ana@northwind.io and log a call on them saying "asked for pricing"',
    calls: [
      { capability: 'crm.find_contact', params: { email: 'ana@northwind.io' } },
      { capability: 'crm.log_activity', params: { contact_id: 'ct_301', type: 'call', note: 'asked for pricing' } },
    ],
  },
  {
    prompt: 'list pending time off requests and approve the first one',
    calls: [
      { capability: 'hr.list_time_off', params: { status: 'pending' } },
      { capability: 'hr.approve_time_off', params: { request_id: 'TO-5521' } },
    ],
  },
  {
    prompt: 'get the legacy-search flag and email its owner with subject "Stale flag" asking them to remove it',
    calls: [
      { capability: 'flags.get_flag', params: { key: 'legacy-search' }, maybe: { environment: 'production' } },
      {
        capability: 'email.send_email',
        params: { to: 'marta@corp.io', subject: 'Stale flag', body: includes('remove') },
      },
    ],
  },
  {
    prompt: 'list shipments with an exception and void the first one',
    calls: [
      { capability: 'shipping.list_shipments', params: { status: 'exception' } },
      { capability: 'shipping.cancel_shipment', params: { tracking_number: '1Z999AA10123456784' } },
    ],
  },
  {
    prompt: 'buy a label for SO-7710 weighing 1.2 kg and email the label link to ops@fabrikam.com with subject "Label"',
    calls: [
      { capability: 'shipping.create_label', params: { order_ref: 'SO-7710', weight_kg: 1.2 } },
      {
        capability: 'email.send_email',
        params: {
          to: 'ops@fabrikam.com',
          subject: 'Label',
          body: includes('https://ship.corp.io/labels/lbl_9001.pdf'),
        },
      },
    ],
  },
  {
    prompt: 'look up employee E1042, find their pending time off and approve it',
    calls: [
      { capability: 'hr.get_employee', params: { employee_id: 'E1042' } },
      { capability: 'hr.list_time_off', params: { employee_id: 'E1042', status: 'pending' } },
      { capability: 'hr.approve_time_off', params: { request_id: 'TO-5521' } },
    ],
  },
  {
    prompt: 'list the MX records of brightlane.com, delete the first one, then post in #dns that it was removed',
    calls: [
      { capability: 'dns.list_records', params: { zone: 'brightlane.com', type: 'MX' } },
      { capability: 'dns.delete_record', params: { zone: 'brightlane.com', record_id: 'rec_31' } },
      { capability: 'chat.post_message', params: { channel: oneOf('dns', '#dns'), text: includes('removed') } },
    ],
  },
  {
    prompt: 'get deal dl_912 and text the owner about it',
    calls: [{ capability: 'crm.get_deal', params: { deal_id: 'dl_912' } }],
    ask: ['to'],
  },
]
