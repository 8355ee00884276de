import { describe, expect, it } from 'vitest'
import { jsonSchemaToZod } from '@inboard/tools'

describe('jsonSchemaToZod', () => {
  it('converts objects with required and optional properties, defaults and descriptions', () => {
    const schema = jsonSchemaToZod({
      type: 'object',
      required: ['city'],
      properties: {
        city: { type: 'string', description: 'City name' },
        units: { type: 'string', enum: ['c', 'f'], default: 'c' },
      },
    })
    expect(schema.parse({ city: 'Oslo' })).toEqual({ city: 'Oslo', units: 'c' })
    expect(schema.safeParse({}).success).toBe(false)
    expect(schema.safeParse({ city: 'Oslo', units: 'k' }).success).toBe(false)
  })

  it('treats OpenAPI 3.0 nullable and 3.1 type arrays alike', () => {
    expect(jsonSchemaToZod({ type: 'string', nullable: true }).parse(null)).toBeNull()
    expect(jsonSchemaToZod({ type: ['integer', 'null'] }).parse(null)).toBeNull()
    expect(jsonSchemaToZod({ type: ['integer', 'null'] }).safeParse(1.5).success).toBe(false)
  })

  it('checks formats and numeric and length bounds', () => {
    expect(jsonSchemaToZod({ type: 'string', format: 'email' }).safeParse('nope').success).toBe(false)
    expect(jsonSchemaToZod({ type: 'string', format: 'date-time' }).safeParse('2026-01-01T10:00:00Z').success).toBe(
      true,
    )
    expect(jsonSchemaToZod({ type: 'number', minimum: 0, exclusiveMaximum: 10 }).safeParse(10).success).toBe(false)
    expect(jsonSchemaToZod({ type: 'number', minimum: 0, exclusiveMinimum: true }).safeParse(0).success).toBe(false)
    expect(jsonSchemaToZod({ type: 'array', items: { type: 'string' }, minItems: 1 }).safeParse([]).success).toBe(false)
    expect(jsonSchemaToZod({ type: 'string', pattern: '^[A-Z]{3}$' }).safeParse('usd').success).toBe(false)
  })

  it('turns oneOf and anyOf into unions and merges allOf objects', () => {
    const union = jsonSchemaToZod({ oneOf: [{ type: 'string' }, { type: 'integer' }] })
    expect(union.safeParse('a').success && union.safeParse(2).success).toBe(true)
    expect(union.safeParse(true).success).toBe(false)
    const merged = jsonSchemaToZod({
      allOf: [
        { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } },
        { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      ],
    })
    expect(merged.safeParse({ id: 1 }).success).toBe(false)
    expect(merged.parse({ id: 1, name: 'x' })).toEqual({ id: 1, name: 'x' })
  })

  it('resolves local $refs, including recursive ones', () => {
    const root = {
      $defs: {
        node: {
          type: 'object',
          required: ['value'],
          properties: { value: { type: 'number' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } },
        },
      },
      $ref: '#/$defs/node',
    }
    const tree = jsonSchemaToZod(root)
    expect(tree.safeParse({ value: 1, children: [{ value: 2, children: [{ value: 3 }] }] }).success).toBe(true)
    expect(tree.safeParse({ value: 1, children: [{ value: 'two' }] }).success).toBe(false)
  })

  it('strips unknown keys only when additionalProperties is false', () => {
    expect(
      jsonSchemaToZod({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false }).parse({
        a: 'x',
        b: 1,
      }),
    ).toEqual({ a: 'x' })
    expect(jsonSchemaToZod({ type: 'object', properties: { a: { type: 'string' } } }).parse({ a: 'x', b: 1 })).toEqual({
      a: 'x',
      b: 1,
    })
    expect(
      jsonSchemaToZod({ type: 'object', additionalProperties: { type: 'integer' } }).safeParse({ a: 'x' }).success,
    ).toBe(false)
  })
})
