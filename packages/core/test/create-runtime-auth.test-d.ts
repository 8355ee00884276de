import { describe, expectTypeOf, it } from 'vitest'
import { createRuntime, type AuthApi, type AuthOptions } from '@inboard/core'

const auth: AuthOptions = {
  encryptionKey: 'k'.repeat(44),
  services: { crm: { type: 'api_key' } },
}

describe('createRuntime({ auth }) types', () => {
  it('gives a runtime created with auth options a present AuthApi', () => {
    const runtime = createRuntime({ auth })
    expectTypeOf(runtime.auth).toEqualTypeOf<AuthApi>()
  })

  it('leaves auth optional on a runtime created without auth options', () => {
    expectTypeOf(createRuntime().auth).toEqualTypeOf<AuthApi | undefined>()
    expectTypeOf(createRuntime({}).auth).toEqualTypeOf<AuthApi | undefined>()
  })
})
