// The practical limit of a token endpoint: node:http, one ES256 signature per request, nothing else.
// Runs as its own process (like TokenDealer) so both are measured under the same conditions.
// It checks no client secret: that costs TokenDealer one HMAC, which is noise next to a signature.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeHeader, mintAccessToken } from './es256-jwt.js';

const LIFETIME_SECONDS = 900;
const SCOPE = 'runs:read';
const AUDIENCE = 'runnerly.io';

// Generated once: the KeyObject and the encoded header are reused for every token.
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const encodedHeader = encodeHeader('bare-limit-key');
let issuer = '';

const server = createServer((request, response) => {
  if (request.method !== 'POST' || request.url !== '/oauth/token') {
    response.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const form = new URLSearchParams(Buffer.concat(chunks).toString('latin1'));
    const clientId = basicClientId(request.headers.authorization);
    if (form.get('grant_type') !== 'client_credentials' || clientId === undefined) {
      sendJson(response, 400, { error: 'invalid_request' });
      return;
    }
    const token = mintAccessToken(privateKey, encodedHeader, { issuer, clientId, audience: AUDIENCE, scope: SCOPE, lifetimeSeconds: LIFETIME_SECONDS });
    sendJson(response, 200, { access_token: token, token_type: 'Bearer', expires_in: LIFETIME_SECONDS, scope: SCOPE });
  });
});

function basicClientId(authorization: string | undefined): string | undefined {
  if (authorization === undefined || !authorization.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decoded.slice(0, colon) : undefined;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    // Same headers as a real token response (RFC 6749 section 5.1), so both send similar bytes.
    'cache-control': 'no-store',
    pragma: 'no-cache',
  });
  response.end(payload);
}

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  issuer = `http://127.0.0.1:${port}`;
  process.stdout.write(`Bare token server listening on ${issuer}\n`);
});

function stop(): void {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
