import { afterAll, beforeAll } from 'vitest'
import { startAuthServer, type AuthServer } from '../auth-server.js'

/**
 * Starts one real OAuth authorization server (and its CRM API) for the calling test file, before its
 * first test, and closes it after the last. The returned handle reads through to that server, so
 * tests use it as the server itself.
 */
export function useOAuthServer(): AuthServer {
  let started: AuthServer | undefined
  beforeAll(async () => {
    started = await startAuthServer()
  })
  afterAll(async () => {
    await started?.close()
    started = undefined
  })
  const server = (): AuthServer => {
    if (started === undefined)
      throw new Error('The OAuth server runs only inside the tests of the file that asked for it')
    return started
  }
  return {
    get issuer() {
      return server().issuer
    },
    get authorizeUrl() {
      return server().authorizeUrl
    },
    get tokenUrl() {
      return server().tokenUrl
    },
    get clientId() {
      return server().clientId
    },
    get redirectUri() {
      return server().redirectUri
    },
    get apiUrl() {
      return server().apiUrl
    },
    get tokenRequests() {
      return server().tokenRequests
    },
    get issued() {
      return server().issued
    },
    get apiRequests() {
      return server().apiRequests
    },
    consent: (authUrl, options) => server().consent(authUrl, options),
    revoke: (token) => server().revoke(token),
    expireAccessToken: (token) => server().expireAccessToken(token),
    close: () => server().close(),
  }
}
