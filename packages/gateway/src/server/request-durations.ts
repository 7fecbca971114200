// http_server_request_duration_seconds, named, labelled and bucketed as in every Runnerly service,
// kept as plain numbers on the hot path (one Map lookup a request) and rendered when scraped.

/** Upper bounds (seconds), the same as @runnerly/http-service's REQUEST_DURATION_BUCKETS. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Series {
  readonly labels: string;
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

export class RequestDurations {
  readonly #series = new Map<string, Series>();

  observe(method: string, route: string, status: number, seconds: number): void {
    const id = `${method}\u0000${route}\u0000${status}`;
    let series = this.#series.get(id);
    if (series === undefined) {
      series = { labels: `method=${label(method)},route=${label(route)},status="${status}"`, counts: new Float64Array(BUCKETS.length + 1), sum: 0, count: 0 };
      this.#series.set(id, series);
    }
    let bucket = 0;
    while (bucket < BUCKETS.length && seconds > (BUCKETS[bucket] as number)) bucket++;
    series.counts[bucket] = (series.counts[bucket] as number) + 1;
    series.sum += seconds;
    series.count++;
  }

  render(lines: string[]): void {
    lines.push('# HELP http_server_request_duration_seconds Time to answer HTTP requests, by method, route and status.');
    lines.push('# TYPE http_server_request_duration_seconds histogram');
    for (const series of this.#series.values()) {
      let cumulative = 0;
      BUCKETS.forEach((bound, index) => {
        cumulative += series.counts[index] as number;
        lines.push(`http_server_request_duration_seconds_bucket{${series.labels},le="${bound}"} ${cumulative}`);
      });
      lines.push(`http_server_request_duration_seconds_bucket{${series.labels},le="+Inf"} ${series.count}`);
      lines.push(`http_server_request_duration_seconds_sum{${series.labels}} ${series.sum}`);
      lines.push(`http_server_request_duration_seconds_count{${series.labels}} ${series.count}`);
    }
  }
}

// Prometheus label values escape backslash, double quote and newline.
export function label(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
