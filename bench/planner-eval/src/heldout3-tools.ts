import type { Tool } from '@inboard/tools'
import { z } from 'zod'
import { ok, tool, type LoggedCall } from './logged-tool.js'

const environment = z.enum(['development', 'staging', 'production'])

/**
 * Two tools added with the heldout-3 cases (deployments and data), written with those cases and
 * before any planner change made for them. Their actions are verbs the planner's list of write
 * verbs does not hold (deploy, restart, scale, export, import, back up, restore, rotate).
 */
export function heldout3Tools(log: LoggedCall[]): Tool[] {
  return [
    tool(log, 'ops', {
      description: 'Deployments and running services',
      capabilities: {
        deploy_service: {
          description: 'Deploy a version of a service to an environment',
          input: z.object({
            service: z.string().describe('Service name such as checkout-api'),
            version: z.string().describe('Version tag such as v1.2.3'),
            environment,
          }),
          sideEffects: true,
          output: () => ({ deployment_id: 'dep_5120', status: 'rolling' }),
        },
        restart_service: {
          description: 'Restart every instance of a service in an environment',
          input: z.object({ service: z.string().describe('Service name such as checkout-api'), environment }),
          sideEffects: true,
          output: ok('restart'),
        },
        scale_service: {
          description: 'Set how many replicas of a service run in an environment',
          input: z.object({
            service: z.string().describe('Service name such as checkout-api'),
            replicas: z.number().int().min(0),
            environment,
          }),
          sideEffects: true,
          output: ok('scale'),
        },
        rotate_api_key: {
          description: 'Rotate an API key: issue a new secret and retire the old one',
          input: z.object({ key_id: z.string().describe('Key id such as key_12ab') }),
          sideEffects: true,
          output: (input) => ({ key_id: input.key_id, rotated: true }),
        },
        get_service_status: {
          description: 'Health and running version of a service in an environment',
          input: z.object({ service: z.string().describe('Service name such as checkout-api'), environment }),
          output: (input) => ({ service: input.service, healthy: true, version: 'v2.13.1', replicas: 4 }),
        },
        list_deployments: {
          description: 'Recent deployments, by service or environment',
          input: z.object({
            service: z.string().optional(),
            environment: environment.optional(),
            since: z.iso.date().optional(),
          }),
          output: () => ({
            deployments: [
              { deployment_id: 'dep_5101', service: 'checkout-api', version: 'v2.13.1', environment: 'production' },
            ],
          }),
        },
      },
    }),
    tool(log, 'data', {
      description: 'Contact exports and imports, database backups',
      capabilities: {
        export_contacts: {
          description: 'Export contacts to a file, optionally one segment only',
          input: z.object({ format: z.enum(['csv', 'json']), segment: z.string().optional() }),
          sideEffects: true,
          output: () => ({ file_url: 'https://files.example.com/exports/contacts.csv', rows: 1204 }),
        },
        import_contacts: {
          description: 'Import contacts from a file at a URL',
          input: z.object({ url: z.url() }),
          sideEffects: true,
          output: () => ({ imported: 318 }),
        },
        backup_database: {
          description: 'Take a backup of a database now',
          input: z.object({ database: z.string().describe('Database name such as orders') }),
          sideEffects: true,
          output: () => ({ backup_id: 'bk_3310' }),
        },
        restore_backup: {
          description: 'Restore a database from one of its backups',
          input: z.object({
            backup_id: z.string().describe('Backup id such as bk_1001'),
            database: z.string().describe('Database name such as orders'),
          }),
          sideEffects: true,
          output: ok('restore'),
        },
        list_backups: {
          description: 'List the backups of a database',
          input: z.object({ database: z.string().optional() }),
          output: () => ({ backups: [{ backup_id: 'bk_2291', database: 'orders', taken_at: '2026-03-10T02:00:00Z' }] }),
        },
      },
    }),
  ]
}
