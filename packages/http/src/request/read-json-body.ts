import { InboardError } from '@inboard/core'
import { jsonShapeProblem } from './json-shape.js'

/** A parsed JSON object body and its exact text (for idempotency fingerprints). */
export interface JsonBody {
  value: Record<string, unknown>
  text: string
}

const JSON_MEDIA = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i
const decoder = new TextDecoder('utf-8', { fatal: true })

/** Reads a JSON object body within `limit` bytes, or throws the 400/413/415 error for it. */
export async function readJsonBody(request: Request, limit: number): Promise<JsonBody> {
  const declared = request.headers.get('content-length')
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limit) throw tooLarge(limit)
  const type = request.headers.get('content-type')
  const hasBody = request.body !== null && declared !== '0'
  if (hasBody && (type === null || !JSON_MEDIA.test(type))) {
    throw new InboardError(
      'unsupported_media_type',
      `Send the body as JSON with "Content-Type: application/json" (got ${type === null ? 'no content type' : JSON.stringify(type.slice(0, 100))})`,
    )
  }
  const bytes = await readLimited(request, limit)
  if (bytes.length === 0)
    throw new InboardError('invalid_request', 'The request needs a JSON object body', { param: 'body' })
  let text: string
  try {
    text = decoder.decode(bytes)
  } catch {
    throw new InboardError('invalid_request', 'The body is not valid UTF-8', { param: 'body' })
  }
  // Over-wide and over-deep bodies are refused before JSON.parse builds them and before zod walks them.
  const problem = jsonShapeProblem(text)
  if (problem !== null) throw new InboardError('invalid_request', problem, { param: 'body' })
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new InboardError('invalid_request', 'The body is not valid JSON', { param: 'body' })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InboardError(
      'invalid_request',
      `The body must be a JSON object, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
      { param: 'body' },
    )
  }
  return { value: value as Record<string, unknown>, text }
}

async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array(0)
  // Request bodies are byte streams; the DOM typing leaves the chunk type open.
  const reader = (request.body as ReadableStream<Uint8Array>).getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    let result: Awaited<ReturnType<typeof reader.read>>
    try {
      result = await reader.read()
    } catch {
      throw new InboardError('invalid_request', 'The request body could not be read', { param: 'body' })
    }
    if (result.done) break
    size += result.value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => undefined)
      throw tooLarge(limit)
    }
    chunks.push(result.value)
  }
  if (chunks.length === 1) return chunks[0]!
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

function tooLarge(limit: number): InboardError {
  return new InboardError('payload_too_large', `The request body is larger than ${limit} bytes`)
}
