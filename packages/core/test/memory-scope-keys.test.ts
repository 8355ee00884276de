import { describe, expect, it } from 'vitest'
import { cachedScopeKeys, keyOf } from '../src/memory/memory-store.js'

describe('memory scope keys', () => {
  it('caches at most 10,000 scope keys however many subagents and accounts come and go', () => {
    for (let i = 0; i < 25_000; i++) keyOf(`sa_${i}`, 'crm', `acct_${i % 7}`)
    expect(cachedScopeKeys()).toBeGreaterThan(0)
    expect(cachedScopeKeys()).toBeLessThanOrEqual(10_000)
    // A key built again after the cache started over is the same string.
    expect(keyOf('sa_1', 'crm', 'acct_1')).toBe('sa_1\u001fcrm\u001facct_1')
    expect(keyOf(null, '*', null)).toBe('\u001f*\u001f')
  })
})
