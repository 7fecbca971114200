// One proxied request through the gateway's checks, in order: IP rules, firewall, body size,
// token check, limits (reject, delay or pass), body inspection or buffering, the client's share of
// the upstream's connections, forwarding. Each step that refuses answers at once and logs one
// structured line naming the rule. While a body is read, a client that stops sending it is answered
// 408 (the body timeout).
//
// Bookkeeping is tied to the response's `close` event, which Node emits exactly once per
// response, both after a normal finish and when the client goes away early (the request's own
// `close` also fires after a body is simply read to the end, so it cannot signal abandonment).
// There the limit ticket is released, a delay timer and the body watch cleared and a forward in
// progress aborted, so concurrency counters can never leak.
//
// Each exchange has a server span (named by method and route prefix), active while its steps run so
// that log lines carry its trace id, and a client span for the forward whose traceparent the upstream
// receives; with tracing off the client's traceparent is passed on unchanged.
//
// Every step that runs in a promise callback is guarded (#guarded): an error thrown there is logged
// and answered with a 500 problem, never left as an unhandled rejection that would end the process.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Span } from '@opentelemetry/api';
import { extractBearerToken, type AccessTokenClaims } from '@runnerly/guard';
import { endSpan, traceHeaders, withSpan, type Tracing } from '@runnerly/tracing';
import type { Logger } from 'pino';
import type { LimitKeySpec } from '../config/types.js';
import { takeAll, type CombinedResult, type KeyedLimit } from '../limits/combine.js';
import { boundedKey, keyDigest, loggedKey } from '../limits/key-digest.js';
import { isStoreUnavailable } from '../limits/redis-fallback.js';
import type { LimitDecision, LimitTicket } from '../limits/types.js';
import { BodySizeLimiter } from '../proxy/body-limit.js';
import { ForwardedExchange, type ForwardObserver } from '../proxy/forward.js';
import { NextUpstream } from '../proxy/next-upstream.js';
import { upstreamRequestHeaders } from '../proxy/request-headers.js';
import { clientKeyForAddress } from '../waf/ip-rules.js';
import { originFormOf, type RequestTarget } from '../waf/request-target.js';
import { BodyProgressWatch } from './body-progress.js';
import { collectBody, resumedBody } from './body-reader.js';
import { identityHeaders } from './edge-auth.js';
import type { GatewayMetrics } from './metrics.js';
import { firewallLogFields, type EarlierFindings, type RefusalVerdict } from '../waf/firewall.js';
import { sendProblem } from './problem.js';
import { rateLimitHeaderValue, retryAfterSeconds } from './ratelimit-headers.js';
import type { CompiledRoute, Runtime } from './runtime.js';

/** What an exchange needs from the gateway around it. */
export interface ExchangeHost {
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly forwardObserver: ForwardObserver;
  readonly tracing: Tracing;
  /** Called when an exchange ends, after its ticket is released. */
  exchangeEnded(runtime: Runtime): void;
}

const EXCHANGE = Symbol('runnerly.exchange');
type ResponseWithExchange = ServerResponse & { [EXCHANGE]?: Exchange };

// Shared listener: `this` is the response, so no closure is created per request.
function onResponseClose(this: ResponseWithExchange): void {
  this[EXCHANGE]?.ended();
}

function forwardAfterDelay(exchange: Exchange): void {
  exchange.delayElapsed();
}

/** What became of a body read before forwarding: whole, or its head with the rest still to stream. */
type ReadBody = { readonly complete: true; readonly body: Buffer } | { readonly complete: false; readonly head: Buffer[] };

export class Exchange {
  readonly #host: ExchangeHost;
  readonly #runtime: Runtime;
  readonly #route: CompiledRoute;
  readonly #req: IncomingMessage;
  readonly #res: ResponseWithExchange;
  /** The resolved request-target: routed, inspected and forwarded as it is. */
  readonly #target: RequestTarget;
  /** The client's address after trusted-proxy resolution. */
  readonly #client: string;
  readonly #span: Span;
  readonly #startedAt = performance.now();
  #declaredLength = -1;
  #hasBody = false;
  #headFindings: EarlierFindings | undefined;
  #claims: AccessTokenClaims | undefined;
  #ticket: LimitTicket | undefined;
  #rateLimitHeaders: string[] | undefined;
  #delayTimer: NodeJS.Timeout | undefined;
  #forward: ForwardedExchange | undefined;
  #bodyWatch: BodyProgressWatch | undefined;
  #ended = false;

  constructor(host: ExchangeHost, runtime: Runtime, route: CompiledRoute, req: IncomingMessage, res: ServerResponse, target: RequestTarget, client: string) {
    this.#host = host;
    this.#runtime = runtime;
    this.#route = route;
    this.#req = req;
    this.#res = res as ResponseWithExchange;
    this.#target = target;
    this.#client = client;
    const tracing = host.tracing;
    this.#span = tracing.startServerSpan(
      `${req.method} ${route.prefix}`,
      req.headers,
      tracing.enabled ? { 'http.request.method': req.method ?? '', 'http.route': route.prefix, 'client.address': client } : undefined,
    );
    runtime.inFlight++;
    host.metrics.inFlight++;
    this.#res[EXCHANGE] = this;
    res.once('close', onResponseClose);
  }

  /** Runs the checks under the request's span: callbacks and promises started from here keep it active. */
  start(): void {
    withSpan(this.#span, () => this.#start());
  }

  #start(): void {
    const req = this.#req;
    const route = this.#route;
    const contentLength = req.headers['content-length'];
    if (contentLength !== undefined) this.#declaredLength = Number(contentLength);
    this.#hasBody = this.#declaredLength > 0 || req.headers['transfer-encoding'] !== undefined;

    const verdict = route.firewall.inspectHead(req, this.#target, this.#client, this.#hasBody, this.#declaredLength);
    if (verdict.action !== 'pass' && this.#firewallRefused(verdict)) return;
    this.#headFindings = verdict;

    if (route.authenticator !== undefined) return this.#authenticate();
    this.#applyLimits();
  }

  #authenticate(): void {
    const authenticator = this.#route.authenticator!;
    let token: string;
    try {
      token = extractBearerToken(this.#req);
    } catch (error) {
      return this.#authFailed(error);
    }
    authenticator.verify(token).then(
      (claims) =>
        this.#guarded('auth', () => {
          if (this.#ended) return;
          this.#claims = claims;
          this.#applyLimits();
        }),
      (error: unknown) => this.#guarded('auth', () => this.#authFailed(error)),
    );
  }

  #authFailed(error: unknown): void {
    if (this.#ended) return;
    const reason = this.#route.authenticator!.refuse(this.#res, error);
    this.#logRefusal(this.#res.statusCode, `auth-${reason}`);
  }

  #applyLimits(): void {
    const route = this.#route;
    if (route.limits.length === 0) return this.#proceed();
    const keyed: KeyedLimit[] = [];
    for (const { limit } of route.limits) {
      const key = this.#keyFor(limit.key);
      if (key !== undefined) keyed.push({ rule: limit.rule, key });
    }
    // Every limit keyed on a header that is missing, with missingKey "skip": nothing to count.
    if (keyed.length === 0) return this.#proceed();
    let result: CombinedResult | Promise<CombinedResult>;
    try {
      result = takeAll(this.#runtime.store, keyed, Date.now());
    } catch (error) {
      return this.#limitStoreFailed(error);
    }
    // The memory store answers synchronously: no promise, no microtask on the hot path.
    if (result instanceof Promise) {
      result.then(
        (settled) => this.#guarded('limits', () => this.#limitsDecided(settled, keyed)),
        (error: unknown) => this.#guarded('limits', () => this.#limitStoreFailed(error)),
      );
    } else {
      this.#limitsDecided(result, keyed);
    }
  }

  /** The request's key for a limit; undefined when the limit does not apply to it (missingKey "skip"). */
  #keyFor(spec: LimitKeySpec): string | undefined {
    switch (spec.source) {
      case 'ip':
        return clientKeyForAddress(this.#client);
      case 'sub':
        return boundedKey(this.#claims?.sub ?? '');
      case 'client_id':
        return boundedKey(this.#claims?.client_id ?? '');
      case 'route':
        return this.#route.prefix;
      case 'header': {
        const value = this.#req.headers[spec.name];
        const text = value === undefined ? '' : typeof value === 'string' ? value : value.join(',');
        // Chosen by the client and up to the header section's size: only a digest is stored. A digest
        // starts with "#", so it never equals an address (missingKey "ip") or the shared "" key.
        if (text !== '') return keyDigest(text);
        if (spec.missing === 'ip') return clientKeyForAddress(this.#client);
        return spec.missing === 'shared' ? '' : undefined;
      }
    }
  }

  #limitsDecided(result: CombinedResult, keyed: readonly KeyedLimit[]): void {
    const { decision, rule, ticket } = result;
    if (this.#ended) {
      // The client left while the store was deciding: give back what was taken.
      if (ticket !== undefined) settle(ticket.rollback(), this.#host.logger);
      return;
    }
    const route = this.#route;
    const shown = rule === undefined ? undefined : route.limitByRule.get(rule);
    if (!decision.allowed) {
      if (isStoreUnavailable(decision)) {
        return this.#refuse(503, 'limit-store-unavailable', 'the limit store is unavailable', ['retry-after', String(retryAfterSeconds(decision))]);
      }
      if (shown !== undefined) shown.counters.reject++;
      this.#host.metrics.countRefusal(route.prefix, 'limit');
      const headers = ['retry-after', String(retryAfterSeconds(decision))];
      this.#appendRateLimitHeaders(headers, shown?.limit, decision);
      const stored = shown === undefined ? undefined : keyed.find((entry) => entry.rule === rule)?.key;
      const key = stored === undefined ? undefined : loggedKey(stored);
      this.#host.logger.warn(
        { event: 'refused', status: this.#runtime.rejectStatus, limit: rule?.id, key, route: route.prefix, client: this.#client },
        'request refused by a limit',
      );
      sendProblem(this.#res, this.#runtime.rejectStatus, `limit "${shown?.limit.name ?? '?'}" exceeded; retry later`, headers);
      return;
    }
    this.#ticket = ticket;
    const outcome = decision.delayMs > 0 ? 'delay' : 'pass';
    // Only the limits that applied: a skipped one decided nothing.
    for (const entry of keyed) {
      const compiled = route.limitByRule.get(entry.rule);
      if (compiled !== undefined) compiled.counters[outcome]++;
    }
    const headers: string[] = [];
    this.#appendRateLimitHeaders(headers, shown?.limit, decision);
    if (headers.length > 0) this.#rateLimitHeaders = headers;
    if (decision.delayMs > 0) this.#delayTimer = setTimeout(forwardAfterDelay, decision.delayMs, this);
    else this.#proceed();
  }

  #appendRateLimitHeaders(headers: string[], limit: CompiledRoute['limits'][number]['limit'] | undefined, decision: LimitDecision): void {
    const policy = this.#route.policyHeader;
    if (policy === undefined) return;
    headers.push('ratelimit-policy', policy);
    if (limit !== undefined && limit.policyQuota > 0) headers.push('ratelimit', rateLimitHeaderValue(limit, decision));
  }

  #limitStoreFailed(error: unknown): void {
    this.#host.logger.error({ event: 'limit-store-error', err: error, route: this.#route.prefix }, 'limit store failed');
    if (!this.#ended) sendProblem(this.#res, 503, 'the limit store failed');
  }

  /** Timer callback of a delayed request. */
  delayElapsed(): void {
    this.#delayTimer = undefined;
    if (!this.#ended) this.#proceed();
  }

  /**
   * After the limits: inspect the body if the firewall wants it, or receive a small one whole, then
   * forward. Either way no upstream connection is held while a slow client sends what is buffered.
   */
  #proceed(): void {
    if (!this.#hasBody) return this.#forwardWith(null);
    const route = this.#route;
    this.#bodyWatch = new BodyProgressWatch(this.#req, route.config.clientBodyTimeoutMs, () => this.#bodyTimedOut());
    const firewall = route.firewall;
    const contentType = this.#req.headers['content-type'];
    // Several header lines arrive joined with ", " (Node): a list the firewall refuses.
    const contentEncoding = this.#req.headers['content-encoding'];
    const maxBodyBytes = route.config.maxBodyBytes;
    if (firewall.wantsBody(contentType, this.#declaredLength, contentEncoding)) {
      const limit = firewall.bodyBufferLimit(contentType, contentEncoding);
      const multipart = firewall.buffersWhole(contentType, contentEncoding);
      return this.#readBody(limit, (read) => {
        if (read.complete) {
          const verdict = firewall.inspectBody(contentType, read.body, this.#headFindings!, contentEncoding);
          if (verdict.action !== 'pass' && this.#firewallRefused(verdict)) return;
          // The bytes as received, whatever was decoded for the inspection.
          this.#forwardWith(read.body);
        } else if (limit >= maxBodyBytes) {
          // Chunked past maxBodyBytes while buffered whole (multipart): refused as a declared length would be.
          this.#firewallRefused(firewall.bodyTooLarge());
        } else if (multipart && this.#firewallRefused(firewall.multipartTooLarge(this.#headFindings!))) {
          // Chunked multipart past multipartBufferBytes: refused (920402); detect mode streams it on below.
        } else {
          // Chunked and longer than the inspection limit: forwarded uninspected, still counted to maxBodyBytes.
          this.#forwardWith(resumedBody(read.head, this.#req, maxBodyBytes));
        }
      });
    }
    const bufferBytes = Math.min(route.config.bodyBufferBytes, maxBodyBytes);
    // A declared length over the buffer streams at once; a chunked body is buffered until it passes it.
    if (bufferBytes === 0 || this.#declaredLength > bufferBytes) return this.#forwardWith(this.#streamedBody());
    this.#readBody(bufferBytes, (read) => {
      if (read.complete) this.#forwardWith(read.body);
      else if (bufferBytes >= maxBodyBytes) this.#firewallRefused(firewall.bodyTooLarge());
      else this.#forwardWith(resumedBody(read.head, this.#req, maxBodyBytes));
    });
  }

  /** Reads the body up to `limitBytes`, then runs `next` (guarded) unless the exchange ended meanwhile. */
  #readBody(limitBytes: number, next: (read: ReadBody) => void): void {
    collectBody(this.#req, limitBytes).then(
      (read) =>
        this.#guarded('body-inspection', () => {
          if (!this.#ended) next(read);
        }),
      () => {
        // The client went away mid-body (or was answered 408); `ended` does the bookkeeping.
      },
    );
  }

  /** The client sent no body bytes for the body timeout while the gateway waited for them. */
  #bodyTimedOut(): void {
    this.#bodyWatch = undefined;
    if (this.#ended) return;
    const timeoutMs = this.#route.config.clientBodyTimeoutMs;
    this.#logRefusal(408, 'body-timeout');
    // The answer first: stopping a forward can destroy the request stream, and with it the connection.
    sendProblem(this.#res, 408, `no request body bytes received for ${timeoutMs} ms`, undefined, true);
    this.#forward?.stop('client-timeout');
  }

  /**
   * Runs a step of the exchange from a promise callback: whatever it throws is logged and answered
   * with a 500 problem (the connection closed if a body may be unread), never left unhandled.
   */
  #guarded(step: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.#host.logger.error(
        { event: 'internal-error', step, err: error, route: this.#route.prefix, client: this.#client, method: this.#req.method },
        'request step failed',
      );
      if (this.#ended) return;
      this.#host.metrics.countRefusal(this.#route.prefix, 'internal-error');
      sendProblem(this.#res, 500, 'the gateway failed to process this request', undefined, this.#hasBody);
    }
  }

  #streamedBody(): Readable | null {
    if (!this.#hasBody) return null;
    // A declared length is exact (Node's parser enforces it) and was checked already; chunked bodies are counted.
    if (this.#declaredLength >= 0) return this.#req;
    return this.#req.pipe(new BodySizeLimiter(this.#route.config.maxBodyBytes));
  }

  #forwardWith(body: Buffer | Readable | null): void {
    const req = this.#req;
    const route = this.#route;
    const upstream = route.upstreams.pick(Date.now());
    // No client may hold more than its share of the upstream's connections.
    const clientKey = clientKeyForAddress(this.#client);
    if (!upstream.admitClient(clientKey, route.config.connectionsPerClient)) {
      const detail = `this client already has ${route.config.connectionsPerClient} requests in progress at the upstream; retry later`;
      // A body not read to its end (streamed) cannot be drained: the connection closes.
      return this.#refuse(this.#runtime.rejectStatus, 'upstream-client-share', detail, ['retry-after', '1'], body !== null && !Buffer.isBuffer(body));
    }
    const dropped: string[] = [];
    const method = req.method ?? 'GET';
    const tracing = this.#host.tracing;
    const span = tracing.startClientSpan(method, this.#span, tracing.enabled ? { 'http.request.method': method, 'server.address': upstream.origin } : undefined);
    const headers = upstreamRequestHeaders(
      req.rawHeaders,
      {
        peerAddress: req.socket.remoteAddress ?? '',
        peerTrusted: this.#runtime.trustedProxies.size > 0 && this.#runtime.trustedProxies.matches(req.socket.remoteAddress),
        proto: 'encrypted' in req.socket && req.socket.encrypted === true ? 'https' : 'http',
        authority: this.#target.authority,
      },
      this.#claims === undefined ? undefined : identityHeaders(this.#claims),
      dropped,
      traceHeaders(span),
    );
    if (dropped.length > 0) {
      this.#host.logger.debug({ event: 'headers-dropped', reason: 'underscore', headers: dropped.slice(0, 16), route: route.prefix }, 'headers with underscores dropped');
    }
    this.#forward = new ForwardedExchange(
      this.#res,
      upstream,
      {
        route: route.prefix,
        method,
        path: originFormOf(this.#target),
        headers,
        body,
        responseTimeoutMs: route.config.responseTimeoutMs,
        extraResponseHeaders: this.#rateLimitHeaders,
        clientKey,
        connectionsPerClient: route.config.connectionsPerClient,
        span,
      },
      this.#host.forwardObserver,
      new NextUpstream(route.upstreams, route.config.nextUpstream, upstream),
    );
    this.#forward.start();
  }

  /** Logs a firewall finding (one line with its rule ids); returns true when it refused the request. */
  #firewallRefused(verdict: RefusalVerdict): boolean {
    const { msg, ...fields } = firewallLogFields(verdict);
    const blocked = verdict.action === 'block';
    this.#host.logger.warn(
      { event: blocked ? 'refused' : 'detected', status: verdict.status, rule: verdict.ruleId, ...fields, route: this.#route.prefix, client: this.#client, method: this.#req.method },
      String(msg),
    );
    if (!blocked) return false;
    this.#host.metrics.countRefusal(this.#route.prefix, `waf-${verdict.ruleId}`);
    // A refused request's body is never read: close the connection rather than drain it.
    const headers = verdict.status === 405 ? ['allow', this.#route.allowHeader] : undefined;
    sendProblem(this.#res, verdict.status, verdict.message, headers, this.#hasBody);
    return true;
  }

  #refuse(status: number, rule: string, detail: string, headers?: string[], close = false): void {
    this.#logRefusal(status, rule);
    sendProblem(this.#res, status, detail, headers, close && this.#hasBody);
  }

  #logRefusal(status: number, rule: string): void {
    this.#host.metrics.countRefusal(this.#route.prefix, rule);
    this.#host.logger.warn(
      { event: 'refused', status, rule, route: this.#route.prefix, client: this.#client, method: this.#req.method },
      'request refused',
    );
  }

  /** The response closed (finished or abandoned): release everything exactly once. */
  ended(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#res[EXCHANGE] = undefined;
    if (this.#delayTimer !== undefined) clearTimeout(this.#delayTimer);
    this.#bodyWatch?.stop();
    if (this.#forward !== undefined) this.#forward.stop('client-gone');
    if (this.#ticket !== undefined) settle(this.#ticket.release(), this.#host.logger);
    this.#runtime.inFlight--;
    this.#host.metrics.inFlight--;
    const res = this.#res;
    // A response cut before its end (the client left) is counted and traced without a status.
    const status = res.writableFinished ? res.statusCode : undefined;
    this.#host.metrics.requestDurations.observe(this.#req.method ?? '', this.#route.prefix, status ?? 499, (performance.now() - this.#startedAt) / 1000);
    endSpan(this.#span, status, status === undefined ? 'the client closed the connection' : undefined);
    this.#host.exchangeEnded(this.#runtime);
  }
}

/** Tickets of remote stores answer with promises; their failures are logged, never thrown at a request. */
function settle(result: void | Promise<void>, logger: Logger): void {
  if (result instanceof Promise) result.catch((error: unknown) => logger.error({ event: 'limit-release-error', err: error }, 'limit release failed'));
}
