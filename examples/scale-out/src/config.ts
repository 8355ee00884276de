/** One server process's settings, from the environment. */
export interface ServerConfig {
  port: number
  /** Shown in logs, to tell the processes apart. */
  name: string
  databaseUrl: string
  redisUrl: string
  /** Postgres schema every process of the app shares. */
  schema: string
  /** Redis key prefix of the queue every process of the app shares. */
  queuePrefix: string
  keys: string[]
}

export function readConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const keys = (env.INBOARD_API_KEYS ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '')
  // Every process must accept the same keys, so unlike the single-process example none is generated.
  if (keys.length === 0)
    throw new Error('Set INBOARD_API_KEYS (comma-separated pk_test_… / pk_live_… keys), the same on every process')
  return {
    port: Number(env.PORT ?? 8787),
    name: env.INBOARD_PROCESS_NAME ?? `pid ${process.pid}`,
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    schema: env.INBOARD_SCHEMA ?? 'inboard',
    queuePrefix: env.INBOARD_QUEUE_PREFIX ?? 'inboard',
    keys,
  }
}
