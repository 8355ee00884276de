/** Every endpoint of rest-api.txt plus the extensions, as the OpenAPI document must list them. */
export const ROUTE_LIST = [
  ['POST', '/v1/subagents'],
  ['GET', '/v1/subagents'],
  ['GET', '/v1/subagents/{subagent_id}'],
  ['PATCH', '/v1/subagents/{subagent_id}'],
  ['DELETE', '/v1/subagents/{subagent_id}'],
  ['GET', '/v1/subagents/{subagent_id}/memory'],
  ['DELETE', '/v1/subagents/{subagent_id}/memory'],
  ['POST', '/v1/tasks'],
  ['GET', '/v1/tasks'],
  ['GET', '/v1/tasks/{task_id}'],
  ['POST', '/v1/tasks/{task_id}/cancel'],
  ['GET', '/v1/tasks/{task_id}/trace'],
  ['POST', '/v1/tasks/{task_id}/input'],
  ['GET', '/v1/oauth/callback'],
  ['GET', '/v1/openapi.json'],
] as const
