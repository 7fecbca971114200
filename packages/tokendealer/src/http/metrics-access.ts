// Who may read /metrics. It sits on the public port, and its counters tell how the server is used
// (request and error rates per endpoint, tokens issued, process internals): worth something to an
// attacker, of no use to anyone but the operator's scraper. So only the allowed client addresses
// (loopback by default) or a scraper holding the metrics bearer token may read it.
import { BlockList, isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TokenDealerConfig } from '../config/options.js';
import { adminTokenMatcher } from '../admin/admin-auth.js';

/**
 * Matches client addresses against addresses and CIDR ranges (validated by the configuration).
 * BlockList also matches an IPv4-mapped IPv6 peer (::ffff:127.0.0.1) against IPv4 entries.
 */
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

/**
 * An onRequest hook for /metrics: lets allowed addresses and the bearer token through, answers
 * everything else 403. request.ip is the client address Fastify resolved through trustProxy. A
 * request that a proxy forwarded (it says so in X-Forwarded-For or Forwarded) from a peer that is
 * not a trusted proxy is never let through by address: its request.ip is the proxy's, typically
 * loopback on the same host, while the client is somebody else.
 */
export function metricsAccess(config: Pick<TokenDealerConfig, 'metricsAllow' | 'metricsToken' | 'trustProxy'>) {
  const allowedAddress = addressMatcher(config.metricsAllow);
  const trustedProxy = addressMatcher(config.trustProxy);
  const forwardedByUntrustedPeer = (request: FastifyRequest): boolean =>
    (request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined) && !trustedProxy(request.socket.remoteAddress ?? '');
  // Compares in constant time (both sides hashed), like the admin token.
  const tokenMatches = config.metricsToken ? adminTokenMatcher(config.metricsToken) : () => false;
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    if ((allowedAddress(request.ip) && !forwardedByUntrustedPeer(request)) || tokenMatches(request.headers.authorization)) {
      done();
      return;
    }
    // Neither the token nor the allow list is logged or told.
    request.log.info({ ip: request.ip, bearer: request.headers.authorization !== undefined }, 'metrics request refused');
    void reply
      .code(403)
      .header('cache-control', 'no-store')
      .send({ error: 'forbidden', error_description: 'metrics are limited to the allowed client addresses or a bearer token' });
  };
}
