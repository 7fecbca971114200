// Forwards one request to an upstream through its undici pool and streams the answer back.
// Both bodies stream with backpressure (nothing is buffered here); failures become 502 or 504
// problem answers while nothing has been sent, and a cut connection once the answer has started.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Span } from '@opentelemetry/api';
import type { Dispatcher } from 'undici';
import { sendProblem } from '../server/problem.js';
import { BodyTooLargeError } from './body-limit.js';
import { connectionNamedHeaders, isHopByHop } from './hop-by-hop.js';
import type { NextUpstream } from './next-upstream.js';
import type { Upstream } from './upstream.js';

type DispatchController = Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestStart']>>[0];

/** Told how each forwarded request went: for metrics, passive health and the request's own bookkeeping. */
export interface ForwardObserver {
  /** Called once per forward with the time to the upstream's response head (NaN when there was none). */
  forwardEnded(request: ForwardRequest, upstreamMs: number, outcome: ForwardOutcome): void;
}

export type ForwardOutcome = 'ok' | 'timeout' | 'unreachable' | 'bad-response' | 'client-gone' | 'client-timeout' | 'too-large';

/** Why the gateway stopped a forward itself: the client went away, or its body stopped coming. */
export type StopReason = 'client-gone' | 'client-timeout';

export interface ForwardRequest {
  /** The route's prefix, for metrics and logs. */
  readonly route: string;
  readonly method: string;
  /** Path and query as received. */
  readonly path: string;
  readonly headers: string[];
  readonly body: Buffer | Readable | null;
  readonly responseTimeoutMs: number;
  /** Added to the upstream's response head (e.g. RateLimit headers); flat [name, value, ...]. */
  readonly extraResponseHeaders: readonly string[] | undefined;
  /** The client's key in the upstream's per-client count (admitted before), released when the forward ends. */
  readonly clientKey: string;
  /** The client's share of an upstream's connections, for an upstream tried next. */
  readonly connectionsPerClient: number;
  /** The forward's client span (off: the request's span context, forwarded unchanged); ended by the observer. */
  readonly span: Span;
}

const TIMEOUT_CODES: ReadonlySet<string> = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** One forwarded request; also the undici dispatch handler, so no closure is allocated per request. */
export class ForwardedExchange implements Dispatcher.DispatchHandler {
  readonly #res: ServerResponse;
  #upstream: Upstream;
  readonly #nextUpstream: NextUpstream | undefined;
  readonly #request: ForwardRequest;
  readonly #observer: ForwardObserver;
  readonly #startedAt: number;
  #controller: DispatchController | undefined;
  #headAt = Number.NaN;
  #finished = false;
  #stopped: StopReason | undefined;
  #onDrain: (() => void) | undefined;

  constructor(res: ServerResponse, upstream: Upstream, request: ForwardRequest, observer: ForwardObserver, nextUpstream?: NextUpstream) {
    this.#res = res;
    this.#upstream = upstream;
    this.#nextUpstream = nextUpstream;
    this.#request = request;
    this.#observer = observer;
    this.#startedAt = performance.now();
  }

  start(): void {
    const request = this.#request;
    this.#upstream.pool.dispatch(
      {
        path: request.path,
        method: request.method as Dispatcher.HttpMethod,
        headers: request.headers,
        body: request.body,
        headersTimeout: request.responseTimeoutMs,
        bodyTimeout: request.responseTimeoutMs,
      },
      this,
    );
  }

  /**
   * Stops the upstream exchange (its connection is not reused mid-response): the client went away,
   * or sent no body bytes within the body timeout (the caller answers it).
   */
  stop(reason: StopReason): void {
    if (this.#finished || this.#stopped !== undefined) return;
    this.#stopped = reason;
    const abortError = new Error(reason === 'client-gone' ? 'the client closed the connection' : 'the client stopped sending the body');
    if (this.#controller !== undefined) this.#controller.abort(abortError);
    // Before onRequestStart the request body stream's destruction is what stops undici. After a body
    // timeout the stream may be the client's request itself, whose destruction would cut the 408:
    // onRequestStart aborts then, and the connection closing after the 408 fails the stream anyway.
    else if (reason === 'client-gone' && this.#request.body !== null && !Buffer.isBuffer(this.#request.body)) this.#request.body.destroy(abortError);
  }

  onRequestStart(controller: DispatchController): void {
    this.#controller = controller;
    if (this.#stopped !== undefined) controller.abort(new Error('the forward was stopped before it started'));
  }

  onResponseStart(controller: DispatchController, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string): void {
    const res = this.#res;
    if (res.destroyed) {
      controller.abort(new Error('the client closed the connection'));
      return;
    }
    // Interim answers come before the final one (undici reports each): never a second writeHead.
    if (statusCode < 200) return this.#interim(statusCode, headers);
    this.#headAt = performance.now();
    const span = this.#request.span;
    if (span.isRecording()) span.setAttribute('http.response.status_code', statusCode);
    const head = responseHead(headers, this.#request.extraResponseHeaders);
    if (statusMessage) res.writeHead(statusCode, statusMessage, head);
    else res.writeHead(statusCode, head);
  }

  /**
   * 103 Early Hints are passed on (their Link headers only, as Node sends them); any other 1xx
   * (an unsolicited 100 Continue, 102) is dropped. Neither is an upstream failure.
   */
  #interim(statusCode: number, headers: IncomingHttpHeaders): void {
    const link = headers.link;
    if (statusCode !== 103 || link === undefined || this.#res.headersSent) return;
    try {
      this.#res.writeEarlyHints({ link });
    } catch {
      // Node refuses Link values it cannot validate: the hint is only a hint, so it is dropped.
    }
  }

  onResponseData(controller: DispatchController, chunk: Buffer): void {
    if (!this.#res.write(chunk)) {
      controller.pause();
      this.#onDrain ??= () => controller.resume();
      this.#res.once('drain', this.#onDrain);
    }
  }

  onResponseEnd(): void {
    this.#finished = true;
    this.#upstream.recordSuccess();
    this.#res.end();
    this.#ended(this.#headAt - this.#startedAt, 'ok');
  }

  /** Sends the request to another upstream when next-upstream allows it (see next-upstream.ts). */
  #triedNext(code: string, upstreamMs: number, timedOut: boolean): boolean {
    const request = this.#request;
    const next = this.#nextUpstream?.after(
      {
        method: request.method,
        code,
        sent: this.#controller !== undefined,
        responded: !Number.isNaN(this.#headAt) || this.#res.headersSent,
        replayable: request.body === null || Buffer.isBuffer(request.body),
      },
      Date.now(),
    );
    if (next === undefined || !next.admitClient(request.clientKey, request.connectionsPerClient)) return false;
    // The failed attempt is counted and logged like any other; the client sees only the next one.
    this.#ended(upstreamMs, timedOut ? 'timeout' : 'unreachable');
    this.#upstream = next;
    this.#controller = undefined;
    this.#finished = false;
    this.start();
    return true;
  }

  #ended(upstreamMs: number, outcome: ForwardOutcome): void {
    this.#upstream.releaseClient(this.#request.clientKey);
    this.#observer.forwardEnded(this.#request, upstreamMs, outcome);
  }

  onResponseError(_controller: DispatchController, error: Error): void {
    if (this.#finished) return;
    this.#finished = true;
    const upstreamMs = this.#headAt - this.#startedAt;
    if (this.#stopped !== undefined || this.#res.destroyed) {
      this.#ended(upstreamMs, this.#stopped ?? 'client-gone');
      return;
    }
    if (error instanceof BodyTooLargeError) {
      // The rest of the body is never read, so the connection cannot carry another request.
      sendProblem(this.#res, 413, error.message, undefined, true);
      this.#ended(upstreamMs, 'too-large');
      return;
    }
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (isUnsolicitedContinue(code, error)) {
      // The upstream answered, if wrongly: a protocol slip, not a sign that it is down.
      sendProblem(this.#res, 502, 'the upstream sent an unsolicited 100 Continue');
      this.#ended(upstreamMs, 'bad-response');
      return;
    }
    const timedOut = TIMEOUT_CODES.has(code);
    this.#upstream.recordFailure(Date.now());
    if (this.#triedNext(code, upstreamMs, timedOut)) return;
    if (timedOut) sendProblem(this.#res, 504, `the upstream did not answer in time (${code})`);
    else sendProblem(this.#res, 502, `the upstream could not be reached or failed (${code || error.message})`);
    this.#ended(upstreamMs, timedOut ? 'timeout' : 'unreachable');
  }
}

/**
 * undici cuts the connection ("bad response") when a 100 Continue arrives for a request that did
 * not ask for one (the gateway never forwards Expect), before the final answer can be read.
 */
function isUnsolicitedContinue(code: string, error: Error): boolean {
  return code === 'UND_ERR_SOCKET' && error.message === 'bad response';
}

/** The upstream's response head minus hop-by-hop headers, as a flat list, with `extra` appended. */
function responseHead(headers: IncomingHttpHeaders, extra: readonly string[] | undefined): string[] {
  const named = connectionNamedHeaders(headers.connection);
  const head: string[] = [];
  for (const name in headers) {
    if (isHopByHop(name) || (named !== undefined && named.has(name))) continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (typeof value === 'string') head.push(name, value);
    else for (const item of value) head.push(name, item);
  }
  if (extra !== undefined) for (const entry of extra) head.push(entry);
  return head;
}
