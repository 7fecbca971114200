// A real HTTP authorization server on 127.0.0.1 for tests: RFC 8414 metadata, a JWKS and a
// token endpoint, counting every request so tests can assert how often each was hit.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { publicJwk, type SigningKey } from './keys.js';

export interface TokenRequest {
  readonly headers: IncomingMessage['headers'];
  readonly form: URLSearchParams;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly delayMs?: number;
}

export interface TestAuthServer {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly tokenEndpoint: string;
  readonly counts: { metadata: number; jwks: number; token: number };
  /** Replaces the published JWKS with these keys (raw JWK objects are published as is). */
  publish(keys: ReadonlyArray<SigningKey | Record<string, unknown> | string>): void;
  /** Changes fields of the metadata document (e.g. a different issuer). */
  metadataOverrides: Record<string, unknown>;
  /** Delay before the JWKS is sent, to make concurrent requests overlap. */
  jwksDelayMs: number;
  /** Raw body served at the JWKS URI instead of the key set, when set. */
  jwksRawBody: string | undefined;
  /** Answers POST /token. */
  tokenHandler: (request: TokenRequest) => HttpAnswer | Promise<HttpAnswer>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startAuthServer(keys: ReadonlyArray<SigningKey | Record<string, unknown>> = []): Promise<TestAuthServer> {
  let published: unknown[] = [];
  const state: TestAuthServer = {
    issuer: '',
    jwksUri: '',
    tokenEndpoint: '',
    counts: { metadata: 0, jwks: 0, token: 0 },
    publish(next) {
      published = next.map((key) => (typeof key === 'object' && 'privateKey' in key ? publicJwk(key as SigningKey) : key));
    },
    metadataOverrides: {},
    jwksDelayMs: 0,
    jwksRawBody: undefined,
    tokenHandler: () => ({ status: 500, body: { error: 'server_error' } }),
    close: async () => {},
  };
  state.publish(keys);

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', state.issuer).pathname;
    if (req.method === 'GET' && path === '/.well-known/oauth-authorization-server') {
      state.counts.metadata++;
      return sendJson(res, 200, { issuer: state.issuer, jwks_uri: state.jwksUri, token_endpoint: state.tokenEndpoint, ...state.metadataOverrides });
    }
    if (req.method === 'GET' && path === '/jwks') {
      state.counts.jwks++;
      if (state.jwksDelayMs > 0) await sleep(state.jwksDelayMs);
      if (state.jwksRawBody !== undefined) {
        // Written in chunks without content-length, so size limits must be enforced while streaming.
        res.writeHead(200, { 'content-type': 'application/json' });
        for (let i = 0; i < state.jwksRawBody.length; i += 64 * 1024) res.write(state.jwksRawBody.slice(i, i + 64 * 1024));
        res.end();
        return;
      }
      return sendJson(res, 200, { keys: published });
    }
    if (req.method === 'POST' && path === '/token') {
      state.counts.token++;
      const form = new URLSearchParams(await readBody(req));
      const answer = await state.tokenHandler({ headers: req.headers, form });
      if (answer.delayMs !== undefined) await sleep(answer.delayMs);
      return sendJson(res, answer.status, answer.body);
    }
    sendJson(res, 404, { error: 'not_found' });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  Object.assign(state, {
    issuer,
    jwksUri: `${issuer}/jwks`,
    tokenEndpoint: `${issuer}/token`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  });
  return state;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
