// One upstream origin: a keep-alive connection pool and its passive health. An upstream that
// fails `maxFailures` times in a row (connection errors, timeouts) is skipped for `cooldownMs`,
// then tried again; one more failure sends it straight back to cooldown (nginx max_fails/fail_timeout).
// It also counts each client's requests in flight, so that no client can hold the whole pool (a
// client trickling request bodies, or reading answers slowly, keeps its connections busy).
import { Pool } from 'undici';

export interface UpstreamOptions {
  readonly connections: number;
  readonly connectTimeoutMs: number;
  readonly maxFailures: number;
  readonly cooldownMs: number;
}

export class Upstream {
  readonly origin: string;
  readonly pool: Pool;
  readonly #maxFailures: number;
  readonly #cooldownMs: number;
  #consecutiveFailures = 0;
  #downUntil = 0;
  /** Requests in flight by client key; clients with none are not kept. */
  readonly #inFlightByClient = new Map<string, number>();

  constructor(origin: string, options: UpstreamOptions) {
    this.origin = origin;
    this.#maxFailures = options.maxFailures;
    this.#cooldownMs = options.cooldownMs;
    this.pool = new Pool(origin, {
      connections: options.connections,
      connect: { timeout: options.connectTimeoutMs },
      // One request per connection at a time: pipelining behind a slow response would add its latency to others.
      pipelining: 1,
      keepAliveTimeout: 4_000,
    });
  }

  /** False while cooling down after repeated failures. */
  isAvailable(nowMs: number): boolean {
    return nowMs >= this.#downUntil;
  }

  /** When the cooldown ends (0 when the upstream is healthy). */
  get downUntil(): number {
    return this.#downUntil;
  }

  recordSuccess(): void {
    if (this.#consecutiveFailures !== 0) {
      this.#consecutiveFailures = 0;
      this.#downUntil = 0;
    }
  }

  recordFailure(nowMs: number): void {
    this.#consecutiveFailures += 1;
    if (this.#consecutiveFailures >= this.#maxFailures) this.#downUntil = nowMs + this.#cooldownMs;
  }

  /** Counts one more request of `client`, unless it already has `max` in flight here. */
  admitClient(client: string, max: number): boolean {
    const count = this.#inFlightByClient.get(client) ?? 0;
    if (count >= max) return false;
    this.#inFlightByClient.set(client, count + 1);
    return true;
  }

  /** The end of a request admitted by admitClient. */
  releaseClient(client: string): void {
    const count = this.#inFlightByClient.get(client) ?? 0;
    if (count <= 1) this.#inFlightByClient.delete(client);
    else this.#inFlightByClient.set(client, count - 1);
  }

  /** Waits for requests in flight to finish, then closes the connections. */
  close(): Promise<void> {
    return this.pool.close();
  }
}

/** A route's upstreams, taken in turn; those cooling down are skipped unless all are. */
export class UpstreamGroup {
  readonly members: readonly Upstream[];
  #next = 0;

  constructor(members: readonly Upstream[]) {
    if (members.length === 0) throw new Error('an upstream group needs at least one upstream');
    this.members = members;
  }

  pick(nowMs: number): Upstream {
    const members = this.members;
    const count = members.length;
    for (let tried = 0; tried < count; tried++) {
      const candidate = members[this.#next] as Upstream;
      this.#next = (this.#next + 1) % count;
      if (candidate.isAvailable(nowMs)) return candidate;
    }
    // All are cooling down: trying the one that recovers first beats refusing outright.
    let soonest = members[0] as Upstream;
    for (const member of members) if (member.downUntil < soonest.downUntil) soonest = member;
    return soonest;
  }
}

/**
 * Upstreams shared by every route (and kept across reloads) by origin and pool settings, so
 * connections stay warm and an upstream's health is one fact whichever route reaches it.
 */
export class UpstreamRegistry {
  readonly #upstreams = new Map<string, Upstream>();

  get(origin: string, options: UpstreamOptions): Upstream {
    const id = `${origin}|${options.connections}|${options.connectTimeoutMs}|${options.maxFailures}|${options.cooldownMs}`;
    let upstream = this.#upstreams.get(id);
    if (upstream === undefined) {
      upstream = new Upstream(origin, options);
      this.#upstreams.set(id, upstream);
    }
    return upstream;
  }

  /** Closes (after their requests in flight finish) every upstream not in `keep`. */
  async retainOnly(keep: ReadonlySet<Upstream>): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [id, upstream] of this.#upstreams) {
      if (keep.has(upstream)) continue;
      this.#upstreams.delete(id);
      closing.push(upstream.close());
    }
    await Promise.all(closing);
  }

  async closeAll(): Promise<void> {
    await this.retainOnly(new Set());
  }
}
