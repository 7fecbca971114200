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
}

/** Loads `request.url` with the same request over and over; `serverPid` is the process whose CPU is measured. */
export async function runHttpLoad(request: HttpRequestSpec, serverPid: number, options: LoadOptions): Promise<LoadResult> {
  const serverCpuBefore = procCpuSeconds(serverPid);
  const ownCpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  // autocannon keeps every connection alive and sends the next request as soon as a response arrives.
  const result = await autocannon({
    url: request.url,
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    connections: options.connections,
    pipelining: 1,
    duration: options.durationSeconds,
    timeout: 10,
  });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const serverCpuAfter = procCpuSeconds(serverPid);
  const ownCpu = process.cpuUsage(ownCpuBefore);
  const serverCpuSeconds = serverCpuBefore === undefined || serverCpuAfter === undefined ? undefined : serverCpuAfter - serverCpuBefore;

  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stats.count ?? 0;
  return {
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    totalRequests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSeconds: result.duration,
    statusCodes,
    serverCpuCores: serverCpuSeconds === undefined ? undefined : serverCpuSeconds / wallSeconds,
    serverCpuMicrosecondsPerRequest: serverCpuSeconds === undefined ? undefined : (serverCpuSeconds * 1e6) / result.requests.total,
    loadGeneratorCpuCores: (ownCpu.user + ownCpu.system) / 1e6 / wallSeconds,
  };
}
