import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { describeStorageConformance } from '@inboard/core/testing'
import { sqliteStorage } from '@inboard/sqlite'

// Each test gets a fresh file in a real directory, so the WAL files and the group commit take part.
const dir = mkdtempSync(join(tmpdir(), 'inboard-sqlite-conformance-'))
let files = 0
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describeStorageConformance('sqliteStorage', () => sqliteStorage({ path: join(dir, `storage-${++files}.db`) }))
