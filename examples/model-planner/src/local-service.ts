import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A service of the example, listening on a loopback ephemeral port. */
export interface LocalService {
  url: string
  close(): Promise<void>
}

/** Starts `server` on 127.0.0.1 with a port the system picks. */
export async function listen(server: Server): Promise<LocalService> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
