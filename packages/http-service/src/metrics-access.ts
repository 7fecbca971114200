// Who may read /metrics: the allowed client addresses (loopback by default) or a scraper holding
// the metrics bearer token. A request that says it was forwarded (X-Forwarded-For, Forwarded) is
// never let through by address: its peer is a proxy on the same host, while the client is not.
import { BlockList, isIP } from 'node:net';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError, sendProblem } from './problem.js';

export function addressMatcher(entries: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
}

/** Compares `Bearer <token>` in constant time (both sides hashed to the same length). */
export function bearerMatcher(token: string): (header: string | undefined) => boolean {
  const expected = createHash('sha256').update(`Bearer ${token}`).digest();
  return (header) => header !== undefined && timingSafeEqual(createHash('sha256').update(header).digest(), expected);
}

export interface MetricsAccessOptions {
  allow: readonly string[];
  token?: string | undefined;
}

export function metricsAccess(options: MetricsAccessOptions) {
  const allowed = addressMatcher(options.allow);
  const tokenMatches = options.token ? bearerMatcher(options.token) : () => false;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const forwarded = request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined;
    if ((!forwarded && allowed(request.socket.remoteAddress ?? '')) || tokenMatches(request.headers.authorization)) return;
    await sendProblem(reply, new ProblemError(403, 'Forbidden', 'metrics are limited to the allowed client addresses or a bearer token'));
  };
}
