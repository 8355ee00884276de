import { describe, expect, it } from 'vitest'
import { frameMessages, unframeMessages } from '../src/message-frames.js'

describe('fleet message frames', () => {
  it('carries several messages in one payload and gives them back in order', () => {
    const messages = ['{"from":"a","kind":"hello"}', '', '12:{"x":"ü 🚀"}', '{"from":"b"}']
    expect(unframeMessages(frameMessages(messages))).toEqual(messages)
    expect(unframeMessages(frameMessages([]))).toEqual([])
  })

  it('drops what is not a frame instead of throwing', () => {
    expect(unframeMessages('{"from":"a"}')).toEqual([])
    expect(unframeMessages('3:abc99:too short')).toEqual(['abc'])
    expect(unframeMessages('-1:x')).toEqual([])
  })
})
