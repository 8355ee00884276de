// Run by .ci/run before the tests: CI needs the real Postgres and Redis for the scale-out tests,
// so it stops early with one clear message when either does not answer.
import { POSTGRES_URL, postgresAnswers, REDIS_URL, redisAnswers } from './test-servers.js'

const [postgres, redis] = await Promise.all([postgresAnswers(), redisAnswers()])
if (!postgres)
  console.error(
    `Postgres does not answer at ${POSTGRES_URL}: start it, or set INBOARD_TEST_POSTGRES_URL to one that does.`,
  )
if (!redis)
  console.error(`Redis does not answer at ${REDIS_URL}: start it, or set INBOARD_TEST_REDIS_URL to one that does.`)
if (postgres && redis) console.log(`Postgres (${POSTGRES_URL}) and Redis (${REDIS_URL}) answer.`)
process.exit(postgres && redis ? 0 : 1)
