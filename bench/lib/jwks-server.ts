// A stand-in issuer for the in-process guard bench: serves RFC 8414 metadata and the JWK Set
// on 127.0.0.1, so the verifier discovers its key exactly as it would from TokenDealer.
import type { KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface IssuerStub {
  readonly issuer: string;
  close(): Promise<void>;
}

export function startIssuerStub(publicKey: KeyObject, kid: string): Promise<IssuerStub> {
  const jwks = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }] });
  let metadata = '';
  const server = createServer((request, response) => {
    const body = request.url === '/.well-known/oauth-authorization-server' ? metadata : request.url === '/.well-known/jwks.json' ? jwks : undefined;
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      metadata = JSON.stringify({ issuer, jwks_uri: `${issuer}/.well-known/jwks.json`, token_endpoint: `${issuer}/oauth/token` });
      resolve({
        issuer,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
