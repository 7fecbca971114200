// Real servers on 127.0.0.1 for the gateway tests: a controllable upstream, a gateway whose log
// lines are captured, and a tiny authorization server (RFC 8414 metadata + JWKS) whose tokens
// are minted with jose, independently of the verifier under test.
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { traceLogFields, type Tracing } from '@runnerly/tracing';
import { configFromObject } from '../../src/config/load.js';
import { Gateway } from '../../src/server/gateway.js';

export interface TestUpstream {
  readonly origin: string;
  readonly server: Server;
  /** Requests seen, in order. */
  readonly seen: IncomingMessage[];
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Answers JSON describing what it received (method, url, headers, body length), unless `handler` is given. */
export async function startUpstream(handler?: Handler, name = 'upstream'): Promise<TestUpstream> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    if (handler) return handler(req, res);
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      const body = JSON.stringify({ name, method: req.method, url: req.url, headers: req.headers, bytes });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, server, seen, close: () => closeServer(server) };
}

/** A request body as the upstream received it, with its headers. */
export interface ReceivedBody {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** An upstream that keeps every request body it receives, byte for byte, and answers "stored". */
export async function startRecordingUpstream(): Promise<TestUpstream & { readonly received: ReceivedBody[] }> {
  const received: ReceivedBody[] = [];
  const upstream = await startUpstream((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.end('stored');
    });
  });
  return { ...upstream, received };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export interface LogRecord {
  level: number;
  event?: string;
  rule?: number | string;
  status?: number;
  limit?: string;
  key?: string;
  route?: string;
  [field: string]: unknown;
}

export interface TestGateway {
  readonly gateway: Gateway;
  readonly url: string;
  readonly logs: LogRecord[];
  close(): Promise<void>;
}

/** A gateway on 127.0.0.1 port 0 from a configuration object (validated like a file); logs are captured. */
export async function startGateway(document: Record<string, unknown>, tracing?: Tracing): Promise<TestGateway> {
  const config = configFromObject({ listen: { host: '127.0.0.1', port: 0 }, ...document }, 'test configuration');
  const logs: LogRecord[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line) as LogRecord);
      callback();
    },
  });
  // The gateway's own logger's mixin: lines logged under a request's span carry its trace id.
  const gateway = new Gateway(config, { logger: pino({ level: 'info', mixin: traceLogFields }, sink), closeGraceMs: 2000, tracing });
  const url = await gateway.listen();
  return { gateway, url, logs, close: () => gateway.close() };
}

export interface TestIssuer {
  readonly issuer: string;
  mint(claims?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** An authorization server publishing one ES256 key; `mint` signs RFC 9068 access tokens with it. */
export async function startIssuer(audience: string): Promise<TestIssuer> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = `test-${randomUUID()}`;
  let issuer = '';
  const server = createServer((req, res) => {
    const body =
      req.url === '/.well-known/oauth-authorization-server'
        ? JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, token_endpoint: `${issuer}/token` })
        : req.url === '/jwks'
          ? JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }] })
          : undefined;
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(body ?? '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { issuer, mint: (claims = {}) => mint(privateKey, kid, issuer, audience, claims), close: () => closeServer(server) };
}

function mint(key: KeyObject, kid: string, issuer: string, audience: string, claims: Record<string, unknown>): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ client_id: 'runs-app', scope: 'runs:read', jti: randomUUID(), sub: 'runner-42', ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(key);
}
