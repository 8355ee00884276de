import { sendJson, startServer } from './http-server.js'
import type { RecordedRequest, TestServer } from './http-server.js'
import type { ServerResponse } from 'node:http'

interface Pet {
  id: number
  name: string
  photoUrls: string[]
  status?: string
  category?: { id?: number; name?: string }
  tags?: { id?: number; name?: string }[]
}

/** The Petstore 3.0 API in memory under /api/v3, with its auth rules: bearer for pets, api_key for the store. */
export async function startPetstore(): Promise<TestServer> {
  const pets = new Map<number, Pet>()
  const orders = new Map<number, Record<string, unknown>>()
  let nextId = 1
  const bearer = (request: RecordedRequest): boolean => /^Bearer \S+/.test(request.headers.authorization ?? '')
  const apiKey = (request: RecordedRequest): boolean => typeof request.headers.api_key === 'string'
  const body = (request: RecordedRequest): Record<string, unknown> =>
    JSON.parse(request.body) as Record<string, unknown>

  return startServer((request, response: ServerResponse) => {
    const path = request.url.pathname.replace(/^\/api\/v3/, '')
    const route = `${request.method} ${path.replace(/\/\d+$/, '/{id}')}`
    const id = Number(path.split('/').pop())
    const unauthorized = (): void =>
      sendJson(response, 401, {
        body: { message: 'Unauthorized' },
        headers: { 'www-authenticate': 'Bearer realm="petstore"' },
      })
    switch (route) {
      case 'POST /pet':
      case 'PUT /pet': {
        if (!bearer(request)) return unauthorized()
        const pet = body(request) as unknown as Pet
        if (typeof pet.name !== 'string' || !Array.isArray(pet.photoUrls))
          return sendJson(response, 422, { body: { message: 'Validation exception' } })
        if (request.method === 'PUT' && !pets.has(pet.id))
          return sendJson(response, 404, { body: { message: 'Pet not found' } })
        const stored = { ...pet, id: request.method === 'POST' ? (pet.id ?? nextId++) : pet.id }
        pets.set(stored.id, stored)
        return sendJson(response, 200, { body: stored })
      }
      case 'GET /pet/findByStatus': {
        if (!bearer(request)) return unauthorized()
        const status = request.url.searchParams.get('status') ?? 'available'
        return sendJson(response, 200, { body: [...pets.values()].filter((pet) => pet.status === status) })
      }
      case 'GET /pet/{id}': {
        if (!bearer(request) && !apiKey(request)) return unauthorized()
        const pet = pets.get(id)
        return pet
          ? sendJson(response, 200, { body: pet })
          : sendJson(response, 404, { body: { message: 'Pet not found' } })
      }
      case 'DELETE /pet/{id}':
        if (!bearer(request)) return unauthorized()
        if (!pets.delete(id)) return sendJson(response, 404, { body: { message: 'Pet not found' } })
        return void response.writeHead(200).end()
      case 'GET /store/inventory': {
        if (!apiKey(request)) return unauthorized()
        const inventory: Record<string, number> = {}
        for (const pet of pets.values()) if (pet.status) inventory[pet.status] = (inventory[pet.status] ?? 0) + 1
        return sendJson(response, 200, { body: inventory })
      }
      case 'POST /store/order': {
        const order = { id: nextId++, ...body(request) }
        orders.set(order.id, order)
        return sendJson(response, 200, { body: order })
      }
      case 'GET /store/order/{id}': {
        const order = orders.get(id)
        return order
          ? sendJson(response, 200, { body: order })
          : sendJson(response, 404, { body: { message: 'Order not found' } })
      }
      default:
        return sendJson(response, 404, { body: { message: `No route ${route}` } })
    }
  })
}
