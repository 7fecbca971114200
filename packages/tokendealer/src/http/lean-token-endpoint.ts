// The token endpoint's common case, answered in plain node:http before Fastify: a client
// credentials request with a correct HTTP Basic secret. Fastify's routing, hooks, body parser and
// reply pipeline cost about as much per token as everything else but the signature. Only a request
// this file can answer exactly as the Fastify route would (same status, body, headers and metrics)
// is answered here; every other one, including every failure, goes to Fastify, with its body
// replayed when it was already read, so errors, throttling and logs stay in one place.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyServerFactory, preParsingHookHandler } from 'fastify';
import { clientCredentialsGrant } from '../oauth/grants/client-credentials.js';
import { FormParameters } from '../oauth/parameters.js';
import type { TokenDealer } from '../tokendealer.js';
import { NO_STORE } from './endpoints/shared.js';

const GRANT_TYPE = 'client_credentials';
const FORM = 'application/x-www-form-urlencoded';
/** The body a lean attempt read before handing the request to Fastify. */
const READ_BODY = Symbol('token request body read by the lean path');

type ReadRequest = IncomingMessage & { [READ_BODY]?: Buffer };
type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

export interface LeanTokenEndpointOptions {
  path: string;
  bodyLimit: number;
  /** Whether the app is closing: Fastify then answers 503, so the lean path steps aside. */
  closing: () => boolean;
  /** The server timeouts given to Fastify, which does not apply them to a server it did not create. */
  timeouts: ServerTimeouts;
}

export interface ServerTimeouts {
  connectionTimeout: number;
  keepAliveTimeout: number;
  requestTimeout: number;
}

/** Fastify's `serverFactory`: the HTTP server Fastify would create, with the lean token path in front. */
export function leanTokenServerFactory(tokenDealer: TokenDealer, options: LeanTokenEndpointOptions): FastifyServerFactory {
  return (fastifyHandler) => {
    const server: Server = createServer(leanTokenHandler(tokenDealer, options, fastifyHandler as RequestHandler));
    // What Fastify sets on the servers it creates itself.
    server.keepAliveTimeout = options.timeouts.keepAliveTimeout;
    server.requestTimeout = options.timeouts.requestTimeout;
    server.setTimeout(options.timeouts.connectionTimeout);
    return server;
  };
}

/** The token route's preParsing hook: Fastify reads the body the lean path already read. */
export const replayLeanReadBody: preParsingHookHandler = (request, _reply, payload, done) => {
  const body = (request.raw as ReadRequest)[READ_BODY];
  done(null, body === undefined ? payload : Readable.from([body], { objectMode: false }));
};

function leanTokenHandler(tokenDealer: TokenDealer, options: LeanTokenEndpointOptions, fastifyHandler: RequestHandler): RequestHandler {
  return (request, response) => {
    const contentLength = leanCandidateLength(request, options);
    if (contentLength === undefined) {
      fastifyHandler(request, response);
      return;
    }
    const started = performance.now();
    const chunks: Buffer[] = [];
    let received = 0;
    request.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
    });
    request.on('end', () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received);
      if (received !== contentLength || !answerTokenRequest(tokenDealer, options.path, request, response, body, started)) {
        (request as ReadRequest)[READ_BODY] = body;
        fastifyHandler(request, response);
      }
    });
  };
}

/** The declared body length of a request the lean path may answer; undefined sends it to Fastify as it is. */
function leanCandidateLength(request: IncomingMessage, options: LeanTokenEndpointOptions): number | undefined {
  if (request.method !== 'POST' || request.url !== options.path || options.closing()) return undefined;
  const { headers } = request;
  // CORS, content codings, chunked bodies and anything but the exact form media type: Fastify's.
  if (headers['content-type'] !== FORM || headers.authorization === undefined || headers.origin !== undefined) return undefined;
  if (headers['content-encoding'] !== undefined || headers['transfer-encoding'] !== undefined) return undefined;
  const declared = headers['content-length'];
  if (declared === undefined || !/^\d{1,9}$/.test(declared)) return undefined;
  const length = Number(declared);
  return length > 0 && length <= options.bodyLimit ? length : undefined;
}

/** Answers a correct client credentials request as the Fastify route does; false (having done nothing) otherwise. */
function answerTokenRequest(tokenDealer: TokenDealer, path: string, request: IncomingMessage, response: ServerResponse, body: Buffer, started: number): boolean {
  let payload: string;
  try {
    const params = FormParameters.parse(body.toString('utf8'));
    if (params.get('grant_type') !== GRANT_TYPE) return false;
    const client = tokenDealer.clientBySecretQuietly(request.headers.authorization!, params);
    if (client === undefined || !client.grantTypes.includes(GRANT_TYPE)) return false;
    const issued = clientCredentialsGrant.handle({ tokenDealer, client, params });
    // The grant is synchronous; were it ever not, Fastify's route would answer.
    if (issued instanceof Promise) {
      issued.catch(() => {});
      return false;
    }
    // Fastify's default serializer for a route without a response schema.
    payload = JSON.stringify(issued);
  } catch {
    // Invalid parameters, scope or audience: Fastify's route throws the same again and answers it.
    return false;
  }
  const { metrics } = tokenDealer;
  metrics.tokensIssued.inc(GRANT_TYPE);
  // The headers of the Fastify route, in its order: its onRequest hook's, the route's, then the reply's own.
  response.writeHead(200, {
    'x-content-type-options': 'nosniff',
    ...NO_STORE,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
  metrics.requestDuration.observe((performance.now() - started) / 1000, 'POST', path, '200');
  return true;
}
