import { taskCreateSchema } from '@inboard/core'
import { z } from 'zod'

/** `webhook_url`: an HTTP extension of the task body (the runtime itself sends no webhooks). */
export const webhookUrlSchema = z.url({ protocol: /^https?$/ }).max(2048)

/** The body of `POST /v1/tasks`: the runtime's task input plus `webhook_url`. */
export const taskCreateBodySchema = taskCreateSchema.extend({ webhook_url: webhookUrlSchema.optional() })
