import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ToolDefinitionError } from '@inboard/tools'
import { openApiTools, parseOpenApi } from '@inboard/tools/openapi'
import type { Credential, Tool, ToolContext } from '@inboard/tools'
import { startPetstore } from './support/petstore-server.js'
import type { TestServer } from './support/http-server.js'
import { startServer, sendJson } from './support/http-server.js'
import { testContext } from './support/tool-context.js'
import { failure } from './support/tool-failure.js'

const petstoreText = readFileSync(new URL('./fixtures/petstore-openapi-3.0.json', import.meta.url), 'utf8')

let server: TestServer
let petstore: Tool
beforeAll(async () => {
  server = await startPetstore()
  const [tool] = openApiTools(parseOpenApi(petstoreText), { name: 'petstore', baseUrl: `${server.url}/api/v3` })
  if (!tool) throw new Error('no tool')
  petstore = tool
})
afterAll(() => server.close())

const vault = (...credentials: Credential[]): ToolContext =>
  testContext({ credentials: { get: (service) => (service === 'petstore' ? credentials[0] : undefined) } })
const oauth = vault({ type: 'oauth2', accessToken: 'tok_pets' })
const apiKey = vault({ type: 'api_key', key: 'special-key' })

async function call(capability: string, input: unknown, ctx: ToolContext = oauth): Promise<unknown> {
  const spec = petstore.capabilities[capability]
  if (!spec) throw new Error(`no capability ${capability}`)
  return spec.run(spec.input.parse(input), ctx)
}

describe('openApiTools with the Petstore 3.0 document', () => {
  it('turns every operation into a snake_case capability with side-effect flags and tags', () => {
    expect(Object.keys(petstore.capabilities)).toEqual(
      expect.arrayContaining([
        'add_pet',
        'update_pet',
        'find_pets_by_status',
        'find_pets_by_tags',
        'get_pet_by_id',
        'delete_pet',
        'place_order',
        'get_inventory',
        'get_order_by_id',
        'login_user',
      ]),
    )
    expect(petstore.tags).toEqual(['pet', 'store', 'user'])
    expect(petstore.capabilities.add_pet?.sideEffects).toBe(true)
    expect(petstore.capabilities.find_pets_by_status?.sideEffects).toBe(false)
    expect(petstore.capabilities.get_pet_by_id?.description).toBe('Find pet by ID.')
  })

  it('builds zod inputs from parameters and the flattened JSON body with $refs resolved', () => {
    const addPet = petstore.capabilities.add_pet?.input
    expect(
      addPet?.safeParse({ name: 'Rex', photoUrls: [], category: { id: 1, name: 'Dogs' }, status: 'available' }).success,
    ).toBe(true)
    expect(addPet?.safeParse({ name: 'Rex' }).success).toBe(false)
    expect(addPet?.safeParse({ name: 'Rex', photoUrls: [], status: 'lost' }).success).toBe(false)
    expect(petstore.capabilities.find_pets_by_status?.input.parse({})).toEqual({ status: 'available' })
    expect(petstore.capabilities.get_pet_by_id?.input.safeParse({ petId: 1.5 }).success).toBe(false)
    expect(
      petstore.capabilities.create_users_with_list_input?.input.safeParse({ body: [{ username: 'ann' }] }).success,
    ).toBe(true)
  })

  it('adds, finds, updates and deletes pets and places orders against a live server', async () => {
    const added = (await call('add_pet', {
      name: 'Rex',
      photoUrls: ['https://img/rex.png'],
      status: 'available',
      tags: [{ id: 1, name: 'good' }],
    })) as { id: number }
    expect(added).toMatchObject({ name: 'Rex', status: 'available' })
    expect(await call('get_pet_by_id', { petId: added.id })).toMatchObject({ id: added.id, name: 'Rex' })
    expect(await call('find_pets_by_status', { status: 'available' })).toEqual([
      expect.objectContaining({ name: 'Rex' }),
    ])
    expect(await call('update_pet', { id: added.id, name: 'Rex', photoUrls: [], status: 'sold' })).toMatchObject({
      status: 'sold',
    })
    expect(await call('get_inventory', {}, apiKey)).toEqual({ sold: 1 })

    const order = (await call(
      'place_order',
      { petId: added.id, quantity: 1, status: 'placed', complete: false },
      testContext(),
    )) as { id: number }
    expect(await call('get_order_by_id', { orderId: order.id }, testContext())).toMatchObject({
      petId: added.id,
      quantity: 1,
    })

    expect(await call('delete_pet', { petId: added.id })).toBeNull()
    const gone = await failure(call('get_pet_by_id', { petId: added.id }))
    expect(gone.code).toBe('not_found')
  })

  it('uses the first security alternative a credential exists for', async () => {
    await call('add_pet', { id: 77, name: 'Tom', photoUrls: [] })
    expect(await call('get_pet_by_id', { petId: 77 }, apiKey)).toMatchObject({ name: 'Tom' })
    expect(await call('get_pet_by_id', { petId: 77 }, oauth)).toMatchObject({ name: 'Tom' })
    const lastTwo = server.requests.slice(-2)
    expect(lastTwo[0]?.headers.api_key).toBe('special-key')
    expect(lastTwo[1]?.headers.authorization).toBe('Bearer tok_pets')
  })

  it('maps oauth2 security schemes to auth_required with the authorize URL and scopes when no token exists', async () => {
    const error = await failure(call('add_pet', { name: 'Rex', photoUrls: [] }, testContext()))
    expect(error.code).toBe('auth_required')
    expect(error.scopes).toEqual(['write:pets', 'read:pets'])
    expect(error.details).toMatchObject({
      service: 'petstore',
      authorize_url: 'https://petstore3.swagger.io/oauth/authorize',
      env_vars: ['PETSTORE_TOKEN'],
    })
  })

  it('rejects a relative server URL unless a base URL is given', () => {
    expect(() => openApiTools(parseOpenApi(petstoreText))).toThrow(ToolDefinitionError)
    expect(() => openApiTools(parseOpenApi(petstoreText))).toThrow(/servers\.0\.url/)
  })

  it('splits the document into one tool per tag when asked', () => {
    const tools = openApiTools(JSON.parse(petstoreText), {
      baseUrl: 'https://petstore.example.com/api/v3',
      splitByTag: true,
    })
    expect(tools.map((tool) => tool.name)).toEqual(['pet', 'store', 'user'])
    expect(Object.keys(tools[1]?.capabilities ?? {})).toEqual([
      'get_inventory',
      'place_order',
      'get_order_by_id',
      'delete_order',
    ])
  })

  it('keeps only the listed operations', () => {
    const [tool] = openApiTools(JSON.parse(petstoreText), {
      baseUrl: 'https://petstore.example.com',
      operations: ['getPetById', 'get_inventory'],
    })
    expect(Object.keys(tool?.capabilities ?? {})).toEqual(['get_pet_by_id', 'get_inventory'])
  })
})

const yaml31 = `
openapi: 3.1.0
info:
  title: Notes API
  version: 2.0.0
servers:
  - url: '{scheme}://notes.invalid/v2'
    variables:
      scheme: { default: https }
security:
  - bearerAuth: []
paths:
  /notes:
    get:
      parameters:
        - { name: limit, in: query, schema: { type: integer, minimum: 1, maximum: 100 } }
        - { name: cursor, in: query, schema: { type: string } }
      responses: { '200': { description: ok } }
    post:
      operationId: createNote
      requestBody:
        required: true
        content:
          application/json:
            schema:
              allOf:
                - $ref: '#/components/schemas/NoteBase'
                - type: object
                  required: [body]
                  properties:
                    body: { type: string }
      responses: { '201': { description: created } }
  /notes/{noteId}:
    parameters:
      - { name: noteId, in: path, required: true, schema: { type: string, format: uuid } }
    patch:
      operationId: updateNote
      requestBody:
        content:
          application/json:
            schema: { $ref: '#/components/schemas/NoteBase' }
      responses: { '200': { description: ok } }
components:
  securitySchemes:
    bearerAuth: { type: http, scheme: bearer }
  schemas:
    NoteBase:
      type: object
      required: [title]
      properties:
        id: { type: string, readOnly: true }
        title: { type: string }
        pinned: { type: [boolean, 'null'] }
        color: { oneOf: [{ type: string, enum: [red, blue] }, { type: integer }] }
`

describe('openApiTools with an OpenAPI 3.1 YAML document', () => {
  it('parses YAML, fills server variables and converts 3.1 schemas', () => {
    const [notes] = openApiTools(parseOpenApi(yaml31))
    expect(notes?.name).toBe('notes_api')
    const caps = notes?.capabilities ?? {}
    expect(Object.keys(caps)).toEqual(['get_notes', 'create_note', 'update_note'])
    expect(caps.get_notes?.input.safeParse({ limit: 0 }).success).toBe(false)
    expect(caps.update_note?.input.safeParse({ noteId: 'not-a-uuid', title: 'x' }).success).toBe(false)
    expect(
      caps.update_note?.input.parse({ noteId: '0b6f3b53-2f0e-4c39-9d41-7c52a1d0f0aa', pinned: null, color: 3 }),
    ).toEqual({
      noteId: '0b6f3b53-2f0e-4c39-9d41-7c52a1d0f0aa',
      pinned: null,
      color: 3,
    })
  })

  it('sends the merged allOf body as the body parameter with bearer auth', async () => {
    const notesServer = await startServer((request, response) =>
      sendJson(response, 201, {
        body: { received: JSON.parse(request.body) as unknown, auth: request.headers.authorization },
      }),
    )
    try {
      const [notes] = openApiTools(parseOpenApi(yaml31), { name: 'notes', baseUrl: `${notesServer.url}/v2` })
      const spec = notes?.capabilities.create_note
      expect(spec?.input.safeParse({ title: 'Hi' }).success).toBe(false)
      const result = await spec?.run(
        spec.input.parse({ title: 'Hi', body: 'there' }),
        testContext({ credentials: { get: () => ({ type: 'bearer', token: 't1' }) } }),
      )
      expect(result).toEqual({ received: { title: 'Hi', body: 'there' }, auth: 'Bearer t1' })
      expect(notesServer.requests[0]?.url.pathname).toBe('/v2/notes')
    } finally {
      await notesServer.close()
    }
  })

  it('rejects documents that are not OpenAPI 3 naming the bad fields', () => {
    expect(() => parseOpenApi('swagger: "2.0"\ninfo: { title: Old }\n')).toThrow(
      /openapi: .*Swagger 2\.0 is not supported/,
    )
    expect(() => parseOpenApi('{ not json')).toThrow(ToolDefinitionError)
  })
})
