import type { AskCase, ChainCase, SingleCase } from './cases.js'

/**
 * heldout-3: written in one sitting on 2026-11-30, before any planner change made for them, after
 * the quickstart's "Export all contacts to CSV" was held for approval as a doubtful choice. Requests
 * whose verb is the action's own name but is not a verb the planner knew as a write. Their first
 * score is reported as they were written; none may be edited to make it pass.
 */
export const heldout3SingleCases: SingleCase[] = [
  {
    prompt: 'deploy checkout-api v2.14.0 to staging',
    call: {
      capability: 'ops.deploy_service',
      params: { service: 'checkout-api', version: 'v2.14.0', environment: 'staging' },
    },
  },
  {
    prompt: 'restart the payments service in production',
    call: { capability: 'ops.restart_service', params: { service: 'payments', environment: 'production' } },
  },
  {
    prompt: 'scale search-worker to 6 replicas in production',
    call: {
      capability: 'ops.scale_service',
      params: { service: 'search-worker', replicas: 6, environment: 'production' },
    },
  },
  { prompt: 'rotate API key key_93ab', call: { capability: 'ops.rotate_api_key', params: { key_id: 'key_93ab' } } },
  {
    prompt: 'is billing-api healthy in staging?',
    call: { capability: 'ops.get_service_status', params: { service: 'billing-api', environment: 'staging' } },
  },
  {
    prompt: 'what got deployed to production?',
    call: { capability: 'ops.list_deployments', params: { environment: 'production' } },
  },
  { prompt: 'Export all contacts to CSV', call: { capability: 'data.export_contacts', params: { format: 'csv' } } },
  {
    prompt: 'export the churned segment as json',
    call: { capability: 'data.export_contacts', params: { format: 'json', segment: 'churned' } },
  },
  {
    prompt: 'import contacts from https://files.example.com/leads.csv',
    call: { capability: 'data.import_contacts', params: { url: 'https://files.example.com/leads.csv' } },
  },
  {
    prompt: 'back up the orders database',
    call: { capability: 'data.backup_database', params: { database: 'orders' } },
  },
  {
    prompt: 'restore backup bk_2291 into the orders database',
    call: { capability: 'data.restore_backup', params: { backup_id: 'bk_2291', database: 'orders' } },
  },
  {
    prompt: 'which backups do we have of the users database?',
    call: { capability: 'data.list_backups', params: { database: 'users' } },
  },
]

export const heldout3AskCases: AskCase[] = [
  { prompt: 'deploy checkout-api to production', capability: 'ops.deploy_service', fields: ['version'] },
  { prompt: 'restore the orders database', capability: 'data.restore_backup', fields: ['backup_id'] },
]

export const heldout3ChainCases: ChainCase[] = []
