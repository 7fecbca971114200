// Metrics kept as plain numbers on the hot path and rendered in the Prometheus text format only
// when /metrics is scraped; prom-client adds the process metrics (CPU, memory, event loop) under
// their standard names, as in every Runnerly service.
import { collectDefaultMetrics, Registry } from 'prom-client';
import { label, RequestDurations } from './request-durations.js';

export type DecisionOutcome = 'pass' | 'delay' | 'reject';

/** The counters of one limit on one route; held by the route so a request increments a field. */
export class DecisionCounters {
  pass = 0;
  delay = 0;
  reject = 0;
  constructor(
    readonly route: string,
    readonly limit: string,
  ) {}
}

/** Upper bounds (seconds) of the upstream latency histogram. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class LatencyHistogram {
  readonly counts = new Float64Array(LATENCY_BUCKETS.length + 1);
  sum = 0;
  count = 0;
  constructor(readonly route: string) {}

  observeMs(ms: number): void {
    const seconds = ms / 1000;
    let bucket = 0;
    while (bucket < LATENCY_BUCKETS.length && seconds > (LATENCY_BUCKETS[bucket] as number)) bucket++;
    this.counts[bucket] = (this.counts[bucket] as number) + 1;
    this.sum += seconds;
    this.count++;
  }
}

export class GatewayMetrics {
  readonly #decisions = new Map<string, DecisionCounters>();
  readonly #latency = new Map<string, LatencyHistogram>();
  /** Requests refused before any limit, by route and reason (ip, firewall rule, auth, not-found...). */
  readonly #refusals = new Map<string, number>();
  readonly #upstreamOutcomes = new Map<string, number>();
  readonly #registry = new Registry();
  /** Every proxied request's time to its answer, as every Runnerly service measures it. */
  readonly requestDurations = new RequestDurations();
  inFlight = 0;

  constructor() {
    collectDefaultMetrics({ register: this.#registry });
  }

  /** The same counters across reloads for the same route prefix and limit name. */
  decisionCounters(route: string, limit: string): DecisionCounters {
    const id = `${route}\u0000${limit}`;
    let counters = this.#decisions.get(id);
    if (counters === undefined) this.#decisions.set(id, (counters = new DecisionCounters(route, limit)));
    return counters;
  }

  latencyHistogram(route: string): LatencyHistogram {
    let histogram = this.#latency.get(route);
    if (histogram === undefined) this.#latency.set(route, (histogram = new LatencyHistogram(route)));
    return histogram;
  }

  countRefusal(route: string, reason: string): void {
    const id = `${route}\u0000${reason}`;
    this.#refusals.set(id, (this.#refusals.get(id) ?? 0) + 1);
  }

  countUpstreamOutcome(route: string, outcome: string): void {
    const id = `${route}\u0000${outcome}`;
    this.#upstreamOutcomes.set(id, (this.#upstreamOutcomes.get(id) ?? 0) + 1);
  }

  async render(): Promise<string> {
    const lines: string[] = [];
    this.requestDurations.render(lines);
    lines.push('# HELP runnerly_gateway_limit_decisions_total Limit decisions by route, limit and outcome.');
    lines.push('# TYPE runnerly_gateway_limit_decisions_total counter');
    for (const c of this.#decisions.values()) {
      for (const outcome of ['pass', 'delay', 'reject'] as const) {
        lines.push(`runnerly_gateway_limit_decisions_total{route=${label(c.route)},limit=${label(c.limit)},outcome="${outcome}"} ${c[outcome]}`);
      }
    }
    lines.push('# HELP runnerly_gateway_refusals_total Requests refused before reaching the limits, by route and reason.');
    lines.push('# TYPE runnerly_gateway_refusals_total counter');
    for (const [id, count] of this.#refusals) lines.push(`runnerly_gateway_refusals_total{${pairLabels(id, 'reason')}} ${count}`);
    lines.push('# HELP runnerly_gateway_upstream_requests_total Forwarded requests by route and outcome.');
    lines.push('# TYPE runnerly_gateway_upstream_requests_total counter');
    for (const [id, count] of this.#upstreamOutcomes) lines.push(`runnerly_gateway_upstream_requests_total{${pairLabels(id, 'outcome')}} ${count}`);
    lines.push('# HELP runnerly_gateway_upstream_latency_seconds Time from forwarding to the upstream response head, by route.');
    lines.push('# TYPE runnerly_gateway_upstream_latency_seconds histogram');
    for (const h of this.#latency.values()) {
      let cumulative = 0;
      const route = label(h.route);
      LATENCY_BUCKETS.forEach((bound, index) => {
        cumulative += h.counts[index] as number;
        lines.push(`runnerly_gateway_upstream_latency_seconds_bucket{route=${route},le="${bound}"} ${cumulative}`);
      });
      cumulative += h.counts[LATENCY_BUCKETS.length] as number;
      lines.push(`runnerly_gateway_upstream_latency_seconds_bucket{route=${route},le="+Inf"} ${cumulative}`);
      lines.push(`runnerly_gateway_upstream_latency_seconds_sum{route=${route}} ${h.sum}`);
      lines.push(`runnerly_gateway_upstream_latency_seconds_count{route=${route}} ${h.count}`);
    }
    lines.push('# HELP runnerly_gateway_in_flight_requests Requests being handled now.');
    lines.push('# TYPE runnerly_gateway_in_flight_requests gauge');
    lines.push(`runnerly_gateway_in_flight_requests ${this.inFlight}`);
    return `${lines.join('\n')}\n${await this.#registry.metrics()}`;
  }

  get contentType(): string {
    return this.#registry.contentType;
  }
}

function pairLabels(id: string, second: string): string {
  const [route = '', value = ''] = id.split('\u0000');
  return `route=${label(route)},${second}=${label(value)}`;
}
