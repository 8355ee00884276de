/**
 * What a route answers, turned into a Response once with every header: adding headers to a built
 * Response afterwards is slower on Node's adapter, which keeps plain responses lightweight.
 */
export interface Reply {
  status: number
  /** A value to serialise as JSON, or text that already is JSON (or `contentType` text). */
  body: unknown
  headers?: Record<string, string>
  contentType?: string
}

export function reply(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers === undefined ? { status, body } : { status, body, headers }
}
