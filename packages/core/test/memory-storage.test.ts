import { memoryStorage } from '@inboard/core'
import { describeStorageConformance } from '@inboard/core/testing'

describeStorageConformance('memoryStorage', () => memoryStorage())
