// Counters and a histogram recorded with one Map lookup per event and rendered by prom-client
// only at scrape time: prom-client hashes and validates labels on every inc/observe, which
// costs more per token request than everything else in this file together.
import type { Registry } from 'prom-client';

type MetricValue = { value: number; labels: Record<string, string | number>; metricName?: string };

interface ScrapedMetric {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  get(): Promise<{ name: string; help: string; type: string; aggregator: 'sum'; values: MetricValue[] }>;
}

export class FastCounter<L extends string> implements ScrapedMetric {
  readonly type = 'counter' as const;
  readonly aggregator = 'sum' as const;
  private readonly series = new Map<string, { labels: Record<L, string>; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  inc(...labelValues: string[]): void {
    this.add(1, ...labelValues);
  }

  /** Adds `amount` at once (a batch of events). */
  add(amount: number, ...labelValues: string[]): void {
    const key = labelValues.length === 1 ? labelValues[0]! : labelValues.join('\u0000');
    const series = this.series.get(key);
    if (series) {
      series.value += amount;
      return;
    }
    const labels = Object.fromEntries(this.labelNames.map((name, index) => [name, labelValues[index] ?? ''])) as Record<L, string>;
    this.series.set(key, { labels, value: amount });
  }

  async get() {
    const values = [...this.series.values()].map(({ labels, value }) => ({ labels, value }));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

export class FastHistogram<L extends string> implements ScrapedMetric {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly series = new Map<string, { labels: Record<L, string>; counts: Float64Array; sum: number; count: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[],
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  observe(value: number, ...labelValues: string[]): void {
    const key = labelValues.length === 1 ? labelValues[0]! : labelValues.join('\u0000');
    let series = this.series.get(key);
    if (!series) {
      const labels = Object.fromEntries(this.labelNames.map((name, index) => [name, labelValues[index] ?? ''])) as Record<L, string>;
      series = { labels, counts: new Float64Array(this.buckets.length), sum: 0, count: 0 };
      this.series.set(key, series);
    }
    series.sum += value;
    series.count++;
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= this.buckets[i]!) {
        series.counts[i]!++;
        break;
      }
    }
  }

  async get() {
    const values: MetricValue[] = [];
    for (const { labels, counts, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((bound, index) => {
        cumulative += counts[index]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: bound }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count });
      values.push({ metricName: `${this.name}_sum`, labels, value: sum });
      values.push({ metricName: `${this.name}_count`, labels, value: count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
