// One autocannon load run (against a token endpoint, or through a proxy), reduced to the numbers the report needs.
import autocannon from 'autocannon';
import { procCpuSeconds } from './proc-status.js';

export interface TokenRequest {
  url: string;
  path: string;
  clientId: string;
  clientSecret: string;
}

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
}

/**
 * A run of a fixed number of requests instead of a fixed time (autocannon `amount`), for slow requests: a few
 * seconds hold too few of them for a per-second count, so req/s is the responses over the time to the last one.
 */
export interface CountedLoadOptions {
  connections: number;
  requests: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  totalRequests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSeconds: number;
  statusCodes: Record<string, number>;
  /** CPU the server used, in cores (1.0 = one core fully busy): below 1 means it waited, e.g. for a core shared with other work. */
  serverCpuCores: number | undefined;
  /** Server CPU time per request: the cost of a token, much less sensitive than req/s to other work on the machine. */
  serverCpuMicrosecondsPerRequest: number | undefined;
  /** CPU this process (the load generator) used, in cores. */
  loadGeneratorCpuCores: number;
}

/** RFC 6749 section 2.3.1: client id and secret are form-urlencoded before Basic encoding. */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

export async function runTokenLoad(target: TokenRequest, serverPid: number, options: LoadOptions): Promise<LoadResult> {
  return runHttpLoad(
    {
      url: new URL(target.path, target.url).href,
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuthorization(target.clientId, target.clientSecret),
      },
      body: 'grant_type=client_credentials',
    },
    serverPid,
    options,
  );
}

export interface HttpRequestSpec {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /**
   * A request that changes from one to the next (autocannon `requests`): `setupRequest` builds each one from the
   * fields above, `onResponse` reads each answer.
   */
  dynamic?: Pick<autocannon.Request, 'setupRequest' | 'onResponse'>;
}

/**
 * Requests that differ by connection (one refresh token chain, or one account, per connection). autocannon gives a
 * connection a fresh copy of its context for every request of a one-request list, so what belongs to a connection
 * cannot live there; but a connection's onResponse and the setupRequest of its next request run synchronously one
 * after the other, so a last-in-first-out stack of idle slots hands every connection back the slot it just
 * returned. Either way a slot is only ever in one request at a time.
 */
export class ConnectionSlots {
  private readonly idle: number[];
  /** Requests sent with no idle slot to take (only after a lost response: a timeout or a dropped connection). */
  slotlessRequests = 0;

  constructor(count: number) {
    this.idle = Array.from({ length: count }, (_, i) => count - 1 - i);
  }

  /** `body(slot)` builds a request of the slot; `answered(slot, status, body)` reads its response. */
  dynamic(body: (slot: number) => string, answered: (slot: number, status: number, body: string) => void): NonNullable<HttpRequestSpec['dynamic']> {
    return {
      setupRequest: (request, context) => {
        let slot = this.idle.pop();
        if (slot === undefined) {
          this.slotlessRequests++;
          slot = 0;
        }
        (context as { slot?: number }).slot = slot;
        return { ...request, body: body(slot) };
      },
      onResponse: (status, responseBody, context) => {
        const { slot } = context as { slot?: number };
        if (slot === undefined) return;
        answered(slot, status, responseBody);
        this.idle.push(slot);
      },
    };
  }
}

/** Loads `request.url` with the same request (or `request.dynamic`'s) over and over; `serverPid` is the process whose CPU is measured. */
export async function runHttpLoad(request: HttpRequestSpec, serverPid: number, options: LoadOptions | CountedLoadOptions): Promise<LoadResult> {
  const counted = 'requests' in options;
  const serverCpuBefore = procCpuSeconds(serverPid);
  const ownCpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  let lastResponse = started;
  // autocannon keeps every connection alive and sends the next request as soon as a response arrives.
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: request.url,
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        ...(request.dynamic === undefined ? {} : { requests: [request.dynamic] }),
        connections: options.connections,
        pipelining: 1,
        ...(counted ? { amount: options.requests } : { duration: options.durationSeconds }),
        timeout: 10,
      },
      (error: unknown, finished) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(finished)),
    );
    // A counted run ends at its last response; autocannon itself only notices at its next one-second tick.
    if (counted) instance.on('response', () => (lastResponse = process.hrtime.bigint()));
  });
  const wallSeconds = Number((counted ? lastResponse : process.hrtime.bigint()) - started) / 1e9;
  const serverCpuAfter = procCpuSeconds(serverPid);
  const ownCpu = process.cpuUsage(ownCpuBefore);
  const serverCpuSeconds = serverCpuBefore === undefined || serverCpuAfter === undefined ? undefined : serverCpuAfter - serverCpuBefore;

  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stats.count ?? 0;
  return {
    requestsPerSecond: counted ? result.requests.total / wallSeconds : result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    totalRequests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSeconds: counted ? wallSeconds : result.duration,
    statusCodes,
    serverCpuCores: serverCpuSeconds === undefined ? undefined : serverCpuSeconds / wallSeconds,
    serverCpuMicrosecondsPerRequest: serverCpuSeconds === undefined ? undefined : (serverCpuSeconds * 1e6) / result.requests.total,
    loadGeneratorCpuCores: (ownCpu.user + ownCpu.system) / 1e6 / wallSeconds,
  };
}
