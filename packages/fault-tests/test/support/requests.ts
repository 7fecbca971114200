// The requests of the fault tests' loads: through the public gateways (alternating, and falling
// over to the other one when a gateway refuses the connection, as a load balancer in front of them
// would), straight to an instance's metrics, and paging through a runner's runs.
import type { InFlight, Sent } from '../../src/load.js';
import { failureCode } from '../../src/load.js';

export interface GatewayRequest {
  label: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Sends `request` to gateway `first` (an index into `gateways`); a refused connection (nothing was
 * sent) goes to the next gateway. The response body is read whole, so a cut answer fails here.
 */
export async function viaGateways(gateways: readonly string[], first: number, request: GatewayRequest, signal: AbortSignal, track: InFlight): Promise<Sent & { body: string; headers: Headers }> {
  track.label = request.label;
  for (let attempt = 0; ; attempt++) {
    const target = gateways[(first + attempt) % gateways.length] as string;
    track.target = target;
    try {
      const response = await fetch(`${target}${request.path}`, { method: request.method, headers: request.headers, body: request.body, signal, redirect: 'manual' });
      const body = await response.text();
      return { label: request.label, target, status: response.status, body, headers: response.headers };
    } catch (error) {
      if (failureCode(error) !== 'ECONNREFUSED' || attempt + 1 >= gateways.length) throw error;
    }
  }
}

/** Requests an instance has served since it started (its own metrics, probes and metrics excluded). */
export async function servedRequests(origin: string, counter: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${counter}{`) || /\/(metrics|readyz|healthz)"/.test(line)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

export interface RunPage {
  runs: { id: string }[];
  next_cursor: string | null;
}

/** Every run of the token's runner, through a gateway. */
export async function allRunIds(gateway: string, accessToken: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? 'limit=200' : `limit=200&cursor=${encodeURIComponent(cursor)}`;
    const response = await fetch(`${gateway}/api/data/users/me/runs?${query}`, { headers: { authorization: `Bearer ${accessToken}` } });
    if (response.status !== 200) throw new Error(`listing runs answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as RunPage;
    for (const run of page.runs) ids.add(run.id);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return ids;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A manual run, different for each index. */
export function runBody(index: number): string {
  const start = new Date(Date.UTC(2026, 10, 1, 6, 0, 0) + index * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return JSON.stringify({ name: `fault run ${index}`, sport_type: 'Run', start_date: start, distance: 5000 + index, moving_time: 1500 });
}
