/**
 * Several fleet messages in one Redis publish: each as its length, a colon, then the message.
 * One publish per tick instead of one per message saves the server and every subscriber a wake-up
 * per message.
 */
export function frameMessages(messages: readonly string[]): string {
  let framed = ''
  for (const message of messages) framed += `${message.length}:${message}`
  return framed
}

/** The messages of a published payload; a malformed remainder (not one of ours) is dropped. */
export function unframeMessages(payload: string): string[] {
  const messages: string[] = []
  let at = 0
  while (at < payload.length) {
    const colon = payload.indexOf(':', at)
    const length = colon === -1 ? Number.NaN : Number(payload.slice(at, colon))
    if (!Number.isSafeInteger(length) || length < 0 || colon + 1 + length > payload.length) break
    messages.push(payload.slice(colon + 1, colon + 1 + length))
    at = colon + 1 + length
  }
  return messages
}
