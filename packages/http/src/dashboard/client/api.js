// The REST API, called with the key the user pasted in. The key stays in this tab's sessionStorage.
const KEY = 'inboard.apiKey'

/** The API's path prefix, written into the page by the server. */
export const apiPrefix = document.querySelector('meta[name="inboard-api"]')?.getAttribute('content') ?? '/v1'

let unauthorized = () => {}

export function storedKey() {
  return sessionStorage.getItem(KEY)
}

export function storeKey(key) {
  sessionStorage.setItem(KEY, key)
}

export function forgetKey() {
  sessionStorage.removeItem(KEY)
}

/** Called when the API refuses the key, so the app can ask for another one. */
export function onUnauthorized(listener) {
  unauthorized = listener
}

export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `The API answered ${status}`)
    this.status = status
    this.code = error?.code ?? 'http_error'
  }
}

export function authHeaders(key = storedKey()) {
  return { authorization: `Bearer ${key ?? ''}` }
}

/** Calls the API and returns the parsed JSON body; throws ApiError with the API's error code and message. */
export async function api(path, { method = 'GET', body, key } = {}) {
  const headers = authHeaders(key)
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(apiPrefix + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  })
  const text = await response.text()
  let data = null
  try {
    data = text === '' ? null : JSON.parse(text)
  } catch {
    data = null
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data?.error)
    if (key === undefined && (error.code === 'invalid_api_key' || error.code === 'missing_api_key')) unauthorized()
    throw error
  }
  return data
}

/** `encodeURIComponent` for ids in paths. */
export const enc = encodeURIComponent
