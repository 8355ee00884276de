const JSON_TYPE = 'application/json; charset=utf-8'

/** A JSON response; `body` may be a value or text that is already JSON. */
export function jsonResponse(
  status: number,
  body: unknown,
  options: { headers?: Record<string, string> | undefined; contentType?: string | undefined } = {},
): Response {
  const { headers, contentType = JSON_TYPE } = options
  // Event streams pass through as they are.
  const text = typeof body === 'string' || body instanceof ReadableStream ? body : JSON.stringify(body)
  return new Response(text, {
    status,
    headers: headers ? { 'content-type': contentType, ...headers } : { 'content-type': contentType },
  })
}
