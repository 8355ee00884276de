// Server-Sent Events read with fetch: EventSource cannot send an Authorization header. A dropped
// stream reconnects with Last-Event-ID, so the server replays what was missed.
import { apiPrefix, authHeaders } from './api.js'

const RETRY_MS = 2000

/**
 * Streams `path` and calls `onEvent(event)` with each event's parsed data. `onOpen` runs on every
 * (re)connection, `onState` with 'connecting' | 'live' | 'reconnecting' | 'ended' | 'off'.
 * With `once`, a stream the server ends (a task's stream after its terminal event) is not reopened.
 * Returns a function that stops it.
 */
export function streamEvents(path, { onEvent, onOpen = () => {}, onState = () => {}, once = false }) {
  const controller = new AbortController()
  let lastId = null
  let stopped = false

  const run = async () => {
    onState('connecting')
    while (!stopped) {
      try {
        const headers = { ...authHeaders(), accept: 'text/event-stream' }
        if (lastId !== null) headers['last-event-id'] = lastId
        const response = await fetch(apiPrefix + path, { headers, signal: controller.signal, cache: 'no-store' })
        if (!response.ok || response.body === null) {
          // A refused key or an unknown task will not get better by retrying; a full server might.
          if (response.status !== 429 && response.status < 500) {
            onState('off')
            return
          }
        } else {
          onState('live')
          onOpen()
          await read(response.body, (id, data) => {
            if (id !== null) lastId = id
            onEvent(data)
          })
          if (once) {
            onState('ended')
            return
          }
        }
      } catch (error) {
        if (stopped) return
        console.warn('[inboard] event stream interrupted:', error)
      }
      if (stopped) return
      onState('reconnecting')
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS))
    }
  }
  void run()
  return () => {
    stopped = true
    controller.abort()
  }
}

async function read(body, deliver) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += value.replace(/\r\n?/g, '\n')
    let end
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      let id = null
      const data = []
      for (const line of frame.split('\n')) {
        if (line.startsWith('id:')) id = line.slice(3).trim()
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
      }
      if (data.length === 0) continue
      try {
        deliver(id, JSON.parse(data.join('\n')))
      } catch (error) {
        console.warn('[inboard] unreadable event:', error)
      }
    }
  }
}
