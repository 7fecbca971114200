import type { Server } from 'node:http';
import type { FastifyRequest } from 'fastify';

/** Counted for when no address is known at all, rather than throwing (see clientAddress). */
export const UNKNOWN_ADDRESS = 'unknown';

/**
 * Reads each connection's peer address as it opens. Node keeps what it read, so the address still
 * names the client after the connection was reset; read afterwards, it is undefined, and so is
 * `request.ip`, which failure counting and logs rely on.
 */
export function rememberPeerAddresses(server: Server): void {
  server.on('connection', (socket: { remoteAddress?: string }) => void socket.remoteAddress);
}

/** The client address as Fastify resolves it (through trusted proxies), never undefined. */
export function clientAddress(request: FastifyRequest): string {
  return (request.ip as string | undefined) ?? UNKNOWN_ADDRESS;
}
