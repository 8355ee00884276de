import { describe, expect, it } from 'vitest'
import { newId, TASK_ID } from '../src/ids.js'

describe('newId', () => {
  it('spells the prefix, 8 characters of creation time and 14 random ones', () => {
    const id = newId('task', Date.UTC(2026, 10, 30))
    expect(id).toMatch(TASK_ID)
    expect(id).toMatch(/^task_[0-9A-Za-z]{22}$/)
    expect(id.slice(5, 13)).toBe(newId('task', Date.UTC(2026, 10, 30)).slice(5, 13))
  })

  it('sorts ids by the time they were made, and never repeats one', () => {
    const times = [0, 1, 61, 62, 3_843, Date.UTC(2001, 0, 1), Date.UTC(2026, 10, 30), Date.UTC(2100, 0, 1)]
    const ids = times.map((time) => newId('task', time))
    expect([...ids].sort()).toEqual(ids)
    const many = new Set(Array.from({ length: 10_000 }, () => newId('task')))
    expect(many.size).toBe(10_000)
  })
})
