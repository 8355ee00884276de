const JSON_TYPE = 'application/json; charset=utf-8'

/** A JSON response; `body` may be a value or text that is already JSON. */
export function jsonResponse(status: number, body: unknown, headers?: Record<string, string>): Response {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return new Response(text, { status, headers: headers ? { 'content-type': JSON_TYPE, ...headers } : { 'content-type': JSON_TYPE } })
}
