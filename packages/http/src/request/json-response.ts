const JSON_TYPE = 'application/json; charset=utf-8'

/** A JSON response; `body` may be a value or text that is already JSON. */
export function jsonResponse(status: number, body: unknown, headers?: Record<string, string>, contentType = JSON_TYPE): Response {
  // Event streams pass through as they are.
  const text = typeof body === 'string' || body instanceof ReadableStream ? body : JSON.stringify(body)
  return new Response(text, { status, headers: headers ? { 'content-type': contentType, ...headers } : { 'content-type': contentType } })
}
