import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { INBOARD_ERROR_CODES } from '@inboard/core'
import { HTTP_STATUS } from '@inboard/http'

const catalogue = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8')
const rows = [...catalogue.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \| (yes|no|after action) \| (.+) \|$/gm)].map(
  ([, code, status, retry, meaning]) => ({ code: code!, status: Number(status), retry, meaning }),
)

describe('docs/errors.md', () => {
  it('lists every error code once, in the order of the code union', () => {
    expect(rows.map((row) => row.code)).toEqual([...INBOARD_ERROR_CODES])
  })

  it('gives each code the HTTP status @inboard/http answers with', () => {
    for (const row of rows)
      expect({ code: row.code, status: row.status }).toEqual({
        code: row.code,
        status: HTTP_STATUS[row.code as keyof typeof HTTP_STATUS],
      })
  })
})
