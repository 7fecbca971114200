// The gateway process's HTTP side: a bare node:http server (no framework on the hot path), the
// current runtime built from the configuration, and the resources that outlive reloads
// (listening socket, limit store when its settings are unchanged, upstream pools, verifiers).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createTracing, endSpan, withSpan, type Tracing } from '@runnerly/tracing';
import type { GatewayConfig, StoreConfig } from '../config/types.js';
import { MemoryLimitStore } from '../limits/memory-store.js';
import { RedisLimitStore } from '../limits/redis-store.js';
import type { LimitStore } from '../limits/types.js';
import type { ForwardObserver, ForwardOutcome, ForwardRequest } from '../proxy/forward.js';
import { UpstreamRegistry } from '../proxy/upstream.js';
import { routeChangingLetter } from '../waf/case-folding-letters.js';
import { clientAddress } from '../waf/ip-rules.js';
import { PROTOCOL_RULES, type ProtocolRefusal } from '../waf/protocol-rules.js';
import { resolveRequestTarget } from '../waf/request-path.js';
import { adminRefusal } from './admin-access.js';
import { serveAdmin } from './admin.js';
import { handleClientError } from './client-errors.js';
import { takeTurn } from './connection-turns.js';
import { VerifierRegistry } from './edge-auth.js';
import { Exchange, type ExchangeHost } from './exchange.js';
import { createLogger } from './logger.js';
import { GatewayMetrics } from './metrics.js';
import { sendProblem } from './problem.js';
import { Runtime } from './runtime.js';

export interface GatewayOptions {
  /** Defaults to pino JSON on stderr at the configured level. */
  logger?: Logger;
  /** Most time close() waits for requests in flight before cutting them; default 10 s. */
  closeGraceMs?: number;
  /**
   * Traces; by default from the OTEL_* environment (exported only with an OTLP endpoint) as
   * "runnerly-gateway", shut down (flushed) by close().
   */
  tracing?: Tracing;
}

const REDIS_READY_TIMEOUT_MS = 3000;

export class Gateway implements ExchangeHost, ForwardObserver {
  readonly server: Server;
  readonly logger: Logger;
  readonly metrics = new GatewayMetrics();
  readonly forwardObserver: ForwardObserver = this;
  readonly tracing: Tracing;
  readonly #ownsTracing: boolean;
  readonly #upstreams = new UpstreamRegistry();
  readonly #verifiers = new VerifierRegistry();
  readonly #closeGraceMs: number;
  /** Runtimes replaced by a reload whose requests are still running. */
  readonly #retired = new Set<Runtime>();
  #runtime: Runtime;
  #closing: Promise<void> | undefined;

  constructor(config: GatewayConfig, options: GatewayOptions = {}) {
    this.logger = options.logger ?? createLogger(config.logLevel);
    this.#closeGraceMs = options.closeGraceMs ?? 10_000;
    this.tracing = options.tracing ?? createTracing({ service: 'runnerly-gateway' });
    this.#ownsTracing = options.tracing === undefined;
    this.#runtime = this.#buildRuntime(config, this.#createStore(config.store));
    // Host is checked by the firewall (with a rule id), not refused silently by Node.
    // Pipelined requests are taken one at a time, so none is processed after an answer that closes.
    const handle = (req: IncomingMessage, res: ServerResponse): void => this.#handle(req, res);
    this.server = createServer({ requireHostHeader: false }, (req, res) => {
      if (!takeTurn(req, res, handle)) this.logger.debug({ event: 'pipelined-request-dropped', client: req.socket.remoteAddress }, 'request after a closing answer dropped');
    });
    this.server.on('clientError', (error: Error, socket) => handleClientError(error, socket, this.logger));
  }

  /** Starts listening on the configured address; resolves with the base URL. */
  async listen(): Promise<string> {
    const { host, port } = this.#runtime.config.listen;
    // Take traffic with the shared limits in place; a Redis still down after this falls back per onError.
    const store = this.#runtime.store;
    if (store instanceof RedisLimitStore && !(await store.waitUntilReady(REDIS_READY_TIMEOUT_MS))) {
      this.logger.warn({ component: 'limit-store' }, 'Redis not reachable at start: limits follow onError until it is');
    }
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.url;
  }

  get url(): string {
    const address = this.server.address() as AddressInfo | null;
    if (address === null) throw new Error('the gateway is not listening');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  get config(): GatewayConfig {
    return this.#runtime.config;
  }

  /** The current limit store (for health checks and tests). */
  get store(): LimitStore {
    return this.#runtime.store;
  }

  /** Requests being handled, under the current and any retired configuration. */
  get inFlight(): number {
    let total = this.#runtime.inFlight;
    for (const runtime of this.#retired) total += runtime.inFlight;
    return total;
  }

  /**
   * Applies a new configuration to new requests; requests in flight finish under the old one.
   * The listening socket stays; a changed `listen` needs a restart and is logged as such.
   */
  reload(config: GatewayConfig): void {
    const previous = this.#runtime;
    const sameStore = JSON.stringify(config.store) === JSON.stringify(previous.config.store);
    this.#runtime = this.#buildRuntime(config, sameStore ? previous.store : this.#createStore(config.store));
    this.logger.level = config.logLevel;
    if (config.listen.host !== previous.config.listen.host || config.listen.port !== previous.config.listen.port) {
      this.logger.warn({ event: 'reload', listen: config.listen }, 'listen changed: it applies at the next restart');
    }
    this.#retired.add(previous);
    this.logger.info({ event: 'reload', routes: config.routes.length, store: config.store.type }, 'configuration reloaded');
    this.#disposeDrained();
  }

  /** Stops accepting connections, lets requests in flight finish (up to the grace time), then frees everything. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const deadline = Date.now() + this.#closeGraceMs;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    this.server.closeAllConnections();
    await closed;
    const stores = new Set([this.#runtime.store, ...[...this.#retired].map((runtime) => runtime.store)]);
    await Promise.all([...stores].map((store) => store.close()));
    await this.#upstreams.closeAll();
    if (this.#ownsTracing) await this.tracing.shutdown();
  }

  exchangeEnded(runtime: Runtime): void {
    if (runtime !== this.#runtime && runtime.inFlight === 0) this.#disposeDrained();
  }

  forwardEnded(request: ForwardRequest, upstreamMs: number, outcome: ForwardOutcome): void {
    if (!Number.isNaN(upstreamMs)) this.metrics.latencyHistogram(request.route).observeMs(upstreamMs);
    this.metrics.countUpstreamOutcome(request.route, outcome);
    endSpan(request.span, undefined, outcome === 'ok' ? undefined : outcome);
    if (outcome === 'timeout' || outcome === 'unreachable' || outcome === 'bad-response') {
      // The path without its query: queries carry tokens and personal data.
      const path = request.path.split('?', 1)[0];
      // undici's callbacks run outside the request's context: name its span for the log line.
      withSpan(request.span, () => this.logger.warn({ event: 'upstream-failed', route: request.route, outcome, method: request.method, path }, 'upstream failed'));
    }
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const runtime = this.#runtime;
    const client = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], runtime.trustedProxies);
    // One parse and normalisation of the request-target: routing, inspection and forwarding all use it.
    const resolved = resolveRequestTarget(req.url ?? '/');
    if (!resolved.ok) return this.#refuseTarget(req, res, resolved.refusal, client);
    const target = resolved.target;
    const path = target.path;
    if (path.startsWith(runtime.adminPrefix)) {
      const refusal = adminRefusal(runtime, client);
      if (refusal !== undefined) return this.#refuseBeforeRoute(res, refusal.status, refusal.id, refusal.message, path, client);
      return serveAdmin(req, res, path, runtime.adminPrefix, this.metrics);
    }
    // Next to case-insensitive routes, a letter that Java folds to ASCII must not pick another route here than upstream.
    if (runtime.routes.hasCaseInsensitiveRoute) {
      const letter = routeChangingLetter(path, (candidate) => runtime.routes.match(candidate));
      if (letter !== undefined) {
        const rule = PROTOCOL_RULES.caseFoldingLetter;
        return this.#refuseBeforeRoute(res, rule.status, rule.id, `${rule.message}: U+${letter.charCodeAt(0).toString(16).toUpperCase()}`, path.slice(0, 256), client, hasBody(req));
      }
    }
    const route = runtime.routes.match(path);
    if (route === undefined) {
      this.metrics.countRefusal('', 'no-route');
      this.logger.warn({ event: 'refused', status: 404, rule: 'no-route', path: path.slice(0, 256), client }, 'no route');
      return sendProblem(res, 404, 'no route for this path');
    }
    new Exchange(this, runtime, route, req, res, target, client).start();
  }

  /** A request-target no route may see: refused before routing, with its rule id. */
  #refuseTarget(req: IncomingMessage, res: ServerResponse, refusal: ProtocolRefusal, client: string): void {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = (query === -1 ? url : url.slice(0, query)).slice(0, 256);
    this.#refuseBeforeRoute(res, refusal.status, refusal.ruleId, refusal.message, path, client, hasBody(req));
  }

  /** `close`: the request has a body that is never read; close the connection rather than drain it. */
  #refuseBeforeRoute(res: ServerResponse, status: number, ruleId: number, message: string, path: string, client: string, close = false): void {
    this.metrics.countRefusal('', `waf-${ruleId}`);
    this.logger.warn({ event: 'refused', status, rule: ruleId, route: '', path, client }, message);
    sendProblem(res, status, message, undefined, close);
  }

  #buildRuntime(config: GatewayConfig, store: LimitStore): Runtime {
    return new Runtime(config, {
      upstreams: this.#upstreams,
      verifierFor: (route) => this.#verifiers.get(route.auth!),
      metrics: this.metrics,
      store,
    });
  }

  #createStore(config: StoreConfig): LimitStore {
    if (config.type === 'memory') return new MemoryLimitStore({ maxKeys: config.maxKeys });
    return new RedisLimitStore({
      url: config.url,
      keyPrefix: config.keyPrefix,
      commandTimeoutMs: config.commandTimeoutMs,
      onError: config.onError,
      logger: this.logger.child({ component: 'limit-store' }),
    });
  }

  // Frees what drained retired runtimes held and the current one does not use: upstream pools and
  // a replaced limit store.
  #disposeDrained(): void {
    const current = this.#runtime;
    for (const runtime of this.#retired) {
      if (runtime.inFlight > 0) continue;
      this.#retired.delete(runtime);
      const storeInUse = runtime.store === current.store || [...this.#retired].some((other) => other.store === runtime.store);
      if (!storeInUse) runtime.store.close().catch((error: unknown) => this.logger.error({ err: error }, 'closing the old limit store failed'));
    }
    const keep = new Set(current.upstreamsInUse);
    for (const runtime of this.#retired) for (const upstream of runtime.upstreamsInUse) keep.add(upstream);
    this.#upstreams.retainOnly(keep).catch((error: unknown) => this.logger.error({ err: error }, 'closing old upstream pools failed'));
  }
}

/** Whether a request announces a body (refused before routing, it is never read). */
function hasBody(req: IncomingMessage): boolean {
  return req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
}
