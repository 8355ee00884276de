import { randomBytes } from 'node:crypto'
import type { ApiKeyOption } from '@inboard/http'

/** The example's settings, from the environment. */
export interface ServerConfig {
  port: number
  keys: ApiKeyOption[]
  /** Keys generated because none were given, to print once. */
  generatedKeys: string[]
  webhookUrl: string | undefined
  webhookSecret: string | undefined
  generatedSecret: boolean
}

const base62 = (length: number): string => {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
  return [...randomBytes(length)].map((byte) => alphabet[byte % 62]).join('')
}

export function readConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const given = (env.INBOARD_API_KEYS ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '')
  const generatedKeys = given.length === 0 ? [`pk_test_${base62(24)}`] : []
  const webhookUrl = env.INBOARD_WEBHOOK_URL || undefined
  const webhookSecret =
    env.INBOARD_WEBHOOK_SECRET || (webhookUrl ? `whsec_${randomBytes(24).toString('base64')}` : undefined)
  return {
    port: Number(env.PORT ?? 8787),
    keys: [...given, ...generatedKeys].map((key) => ({ key })),
    generatedKeys,
    webhookUrl,
    webhookSecret,
    generatedSecret: webhookUrl !== undefined && !env.INBOARD_WEBHOOK_SECRET,
  }
}
