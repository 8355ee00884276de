import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineTool, ToolError, toToolError } from '@inboard/tools'

describe('defineTool', () => {
  it('returns a frozen tool with its capabilities and tags', () => {
    const tool = defineTool({
      name: 'weather',
      description: 'Weather',
      tags: ['forecast'],
      capabilities: {
        current: { description: 'Now', input: z.object({ location: z.string() }), run: ({ location }) => location },
      },
    })
    expect(tool.name).toBe('weather')
    expect(tool.tags).toEqual(['forecast'])
    expect(Object.isFrozen(tool)).toBe(true)
    expect(Object.keys(tool.capabilities)).toEqual(['current'])
  })

  it('rejects bad names and capabilities without run', () => {
    const input = z.object({})
    expect(() =>
      defineTool({ name: 'Bad Name', description: '', capabilities: { a: { description: '', input, run: () => 1 } } }),
    ).toThrow(/must match/)
    expect(() => defineTool({ name: 'ok', description: '', capabilities: {} })).toThrow(/no capabilities/)
    expect(() =>
      defineTool({ name: 'ok', description: '', capabilities: { a: { description: '', input } as never } }),
    ).toThrow(/no run function/)
  })
})

describe('ToolError', () => {
  it('carries retry hints and defaults recoverable per code', () => {
    const limited = new ToolError('rate_limited', 'slow down', { retryAfterMs: 2_000 })
    expect(limited).toMatchObject({ code: 'rate_limited', retryAfterMs: 2_000, recoverable: true, retryable: true })
    expect(new ToolError('not_found', 'gone')).toMatchObject({ recoverable: false, retryable: false })
    expect(new ToolError('insufficient_scope', 'scope', { scopes: ['contacts.read'] }).scopes).toEqual([
      'contacts.read',
    ])
  })

  it('normalises anything thrown into a ToolError', () => {
    expect(toToolError('plain string')).toMatchObject({
      code: 'tool_error',
      message: 'plain string',
      recoverable: false,
    })
    const foreign = toToolError(new RangeError('out of range'))
    expect(foreign).toMatchObject({ code: 'tool_error', message: 'out of range' })
    expect(foreign.cause).toBeInstanceOf(RangeError)
    const abort = new Error('stopped')
    abort.name = 'AbortError'
    expect(toToolError(abort).code).toBe('timeout')
    expect(toToolError(undefined).message).toMatch(/without an error message/)
    const original = new ToolError('transient', 'x')
    expect(toToolError(original)).toBe(original)
  })
})
