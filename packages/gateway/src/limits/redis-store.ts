// A LimitStore in Redis, shared by every gateway instance pointed at the same server. Each
// decision is one Lua script run (redis-scripts.ts): atomic, one round trip, on the Redis clock.
// When Redis is unreachable or slow, `onError` decides (redis-fallback.ts).
//
// Concurrency slots are leases, not a bare counter: each admitted request adds its own token to a
// sorted set, scored by when its lease ends, and removes it on release. A release can therefore
// never take the count below zero or free another request's slot, and a gateway that dies (or
// loses Redis) mid-request leaks its slots for at most one lease. Requests that run longer than a
// lease renew it in the background. A counter with a key TTL would be one command cheaper but
// either leaks until the whole key idles out or, if the TTL is short, forgets long requests.

import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createLimitRedisClient, describeRedisTarget } from './redis-client.js';
import { DEFAULT_CONCURRENCY_UNIT_DELAY_MS } from './concurrency.js';
import { leakyBucketParams } from './leaky-bucket.js';
import { MemoryLimitStore } from './memory-store.js';
import { concurrencyRedisDecision, quotaRedisDecision, rateDecision } from './redis-decisions.js';
import { RedisOutage, type OutageLogger, type RedisErrorPolicy } from './redis-fallback.js';
import { defineLimitCommands, type LimitCommands } from './redis-scripts.js';
import type {
  ConcurrencyRule,
  LimitResult,
  LimitRule,
  LimitStore,
  LimitTicket,
  QuotaRule,
  RateRule,
} from './types.js';

export interface RedisLimitStoreOptions {
  /** redis:// or rediss:// URL. */
  url: string;
  /** Prepended to every key: `<prefix><rule id>:<type>:<parameters hash>:<key>` ("runnerly-gateway:" by default). */
  keyPrefix?: string;
  /** What to do while Redis is unreachable or slow; default `local`. */
  onError?: RedisErrorPolicy;
  /** The per-instance store `local` decides with; by default a memory store of this store's own. */
  fallback?: LimitStore;
  /** Gets one line when an outage starts and one when it ends. */
  logger?: OutageLogger;
  /** A decision that takes longer fails over to onError; default 50 ms. */
  commandTimeoutMs?: number;
  /** How long a concurrency slot survives without release or renewal; default 60 s. */
  concurrencyLeaseMs?: number;
  /**
   * How long a request queued by a concurrency limit waits per `max` requests ahead of it
   * (lua-resty limit.conn's `default_conn_delay`); default as the memory store's.
   */
  concurrencyUnitDelayMs?: number;
  /** Seconds a request denied under `onError: deny` is asked to wait; default 1. */
  denyRetryAfterSeconds?: number;
  /**
   * Tests only: decide on the `nowMs` passed to take() instead of the Redis server clock. Gateways
   * sharing a Redis must leave this off, or they disagree on time.
   */
  useCallerClock?: boolean;
}

const DEFAULT_KEY_PREFIX = 'runnerly-gateway:';
/** Tells the scripts to read the Redis clock. */
const REDIS_CLOCK = -1;
/** With a caller clock, keys must outlive test-time jumps measured in real time. */
const CALLER_CLOCK_MIN_TTL_MS = 60_000;

const SILENT: OutageLogger = { warn() {}, info() {} };

const ruleKeyParts = new WeakMap<LimitRule, string>();

/** `<rule id>:<type>:<8 characters of a hash of the parameters>`, computed once per rule. */
function ruleKeyPart(rule: LimitRule): string {
  let part = ruleKeyParts.get(rule);
  if (part === undefined) {
    const { id, ...parameters } = rule;
    const hash = createHash('sha256').update(JSON.stringify(parameters)).digest('base64url').slice(0, 8);
    part = `${id}:${rule.type}:${hash}`;
    ruleKeyParts.set(rule, part);
  }
  return part;
}

export class RedisLimitStore implements LimitStore {
  readonly kind = 'redis' as const;
  /** The connection; exposed for health checks and tests. */
  readonly redis: Redis & LimitCommands;

  private readonly keyPrefix: string;
  private readonly outage: RedisOutage;
  private readonly leaseMs: number;
  private readonly unitDelayMs: number;
  private readonly useCallerClock: boolean;
  private readonly instanceId = randomUUID();
  private nextToken = 0;
  private readonly leases = new Set<ConcurrencyLease>();
  private closing = false;
  /** A fallback this store created, and so closes. */
  private readonly ownFallback: LimitStore | undefined;

  constructor(options: RedisLimitStoreOptions) {
    const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.keyPrefix = prefix === '' || prefix.endsWith(':') ? prefix : `${prefix}:`;
    this.leaseMs = options.concurrencyLeaseMs ?? 60_000;
    this.unitDelayMs = options.concurrencyUnitDelayMs ?? DEFAULT_CONCURRENCY_UNIT_DELAY_MS;
    this.useCallerClock = options.useCallerClock ?? false;
    const onError = options.onError ?? 'local';
    if (onError === 'local' && !options.fallback) {
      this.ownFallback = new MemoryLimitStore({ concurrencyUnitDelayMs: this.unitDelayMs });
    }
    this.outage = new RedisOutage({
      onError,
      fallback: options.fallback ?? this.ownFallback,
      logger: options.logger ?? SILENT,
      target: describeRedisTarget(options.url),
      denyRetryAfterSeconds: options.denyRetryAfterSeconds,
    });
    this.redis = defineLimitCommands(
      createLimitRedisClient({ url: options.url, commandTimeoutMs: options.commandTimeoutMs ?? 50 }),
    );
    // Connection loss starts an outage even before a request notices; ioredis reconnects by itself.
    this.redis.on('error', (error: Error) => this.outage.failed(error));
    this.redis.on('close', () => {
      if (!this.closing) this.outage.failed(new Error('connection closed'));
    });
    this.redis.on('ready', () => this.outage.recovered());
  }

  /** True while Redis is reachable and decisions are shared. */
  get shared(): boolean {
    return this.redis.status === 'ready' && !this.outage.active;
  }

  /** Resolves once connected (or after `timeoutMs`, whichever is first); take() works either way. */
  async waitUntilReady(timeoutMs = 2000): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    return new Promise((resolve) => {
      const done = (ready: boolean): void => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        resolve(ready);
      };
      const onReady = (): void => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.redis.on('ready', onReady);
    });
  }

  /**
   * The Redis key of one limit for one client key. The limit's type and a hash of its parameters
   * are part of it: a reload that changes either starts fresh keys instead of meeting the old
   * ones (a hash where a sorted set is expected answers WRONGTYPE).
   */
  keyOf(rule: LimitRule, key: string): string {
    return `${this.keyPrefix}${ruleKeyPart(rule)}:${key}`;
  }

  async take(rule: LimitRule, key: string, nowMs: number): Promise<LimitResult> {
    // Disconnected: skip the doomed command (it would fail at once anyway, without an offline queue).
    if (this.redis.status !== 'ready') {
      return this.outage.decide(rule, key, nowMs, new Error(`redis connection ${this.redis.status}`));
    }
    const now = this.useCallerClock ? nowMs : REDIS_CLOCK;
    let result: LimitResult;
    try {
      switch (rule.type) {
        case 'rate':
          result = await this.takeRate(rule, this.keyOf(rule, key), now);
          break;
        case 'concurrency':
          result = await this.takeConcurrency(rule, this.keyOf(rule, key), now);
          break;
        case 'quota':
          result = await this.takeQuota(rule, this.keyOf(rule, key), now);
          break;
      }
    } catch (error) {
      return this.outage.decide(rule, key, nowMs, error);
    }
    this.outage.recovered();
    return result;
  }

  private async takeRate(rule: RateRule, redisKey: string, now: number): Promise<LimitResult> {
    const params = leakyBucketParams(rule);
    const minTtl = this.useCallerClock ? CALLER_CLOCK_MIN_TTL_MS : 0;
    const [admitted, excess, last] = await this.redis.limitRateTake(redisKey, params.rate, params.burst, now, minTtl);
    const decision = rateDecision(rule, admitted === 1, excess ?? 0, last ?? 0);
    if (!decision.allowed) return { decision };
    return { decision, ticket: this.countingTicket(() => this.redis.limitRateRollback(redisKey)) };
  }

  private async takeConcurrency(rule: ConcurrencyRule, redisKey: string, now: number): Promise<LimitResult> {
    const token = `${this.instanceId}:${this.nextToken++}`;
    let answer: Awaited<ReturnType<LimitCommands['limitConcurrencyAcquire']>>;
    try {
      answer = await this.redis.limitConcurrencyAcquire(redisKey, rule.max + rule.burst, token, this.leaseMs, now);
    } catch (error) {
      // A client-side timeout does not stop the script: it may have taken a slot that nobody would
      // release before the lease ends. Removing the token is harmless if it never got in.
      void this.quietly(() => this.redis.zrem(redisKey, token));
      throw error;
    }
    const [admitted, inFlight] = answer;
    const decision = concurrencyRedisDecision(rule, admitted === 1, inFlight ?? 0, this.unitDelayMs);
    if (!decision.allowed) return { decision };
    const lease = new ConcurrencyLease(this, redisKey, token);
    this.leases.add(lease);
    return { decision, ticket: lease };
  }

  private async takeQuota(rule: QuotaRule, redisKey: string, now: number): Promise<LimitResult> {
    const [admitted, current, previous, windowStartMs, nowMs] = await this.redis.limitQuotaTake(
      redisKey,
      rule.limit,
      rule.windowMs,
      rule.sliding ? 1 : 0,
      now,
    );
    const state = { current: current ?? 0, previous: previous ?? 0, windowStartMs: windowStartMs ?? 0, nowMs: nowMs ?? 0 };
    const decision = quotaRedisDecision(rule, admitted === 1, state);
    if (!decision.allowed) return { decision };
    const rollback = (): Promise<number> => this.redis.limitQuotaRollback(redisKey, state.windowStartMs, rule.windowMs);
    return { decision, ticket: this.countingTicket(rollback) };
  }

  /**
   * The ticket of a counting limit (rate, quota): the undo runs at most once and never throws (a
   * lost undo only over-counts); the end of the request changes nothing.
   */
  private countingTicket(rollback: () => Promise<unknown>): LimitTicket {
    let undone = false;
    return {
      rollback: async () => {
        if (undone) return;
        undone = true;
        await this.quietly(rollback);
      },
      release: () => {},
    };
  }

  /** Runs a follow-up command; a failure marks an outage (logged once) instead of failing the request. */
  private async quietly(command: () => Promise<unknown>): Promise<void> {
    if (this.redis.status !== 'ready') return;
    try {
      await command();
    } catch (error) {
      this.outage.failed(error);
    }
  }

  /** @internal Used by leases. */
  renewLease(redisKey: string, token: string): Promise<void> {
    const now = this.useCallerClock ? Date.now() : REDIS_CLOCK;
    return this.quietly(() => this.redis.limitConcurrencyRenew(redisKey, token, this.leaseMs, now));
  }

  /** @internal Used by leases. */
  endLease(lease: ConcurrencyLease, redisKey: string, token: string): Promise<void> {
    this.leases.delete(lease);
    return this.quietly(() => this.redis.zrem(redisKey, token));
  }

  /** @internal */
  get leaseRenewalMs(): number {
    return Math.max(10, Math.floor(this.leaseMs / 3));
  }

  async close(): Promise<void> {
    this.closing = true;
    // Slots still held expire with their leases; stop renewing them.
    for (const lease of this.leases) lease.abandon();
    this.leases.clear();
    if (this.redis.status === 'ready') {
      await this.redis.quit().catch(() => this.redis.disconnect());
    } else {
      this.redis.disconnect();
    }
    await this.ownFallback?.close();
  }
}

/** One admitted request's concurrency slot: renewed while the request runs, released once. */
class ConcurrencyLease implements LimitTicket {
  private ended = false;
  private readonly renewal: NodeJS.Timeout;

  constructor(
    private readonly store: RedisLimitStore,
    private readonly redisKey: string,
    private readonly token: string,
  ) {
    this.renewal = setInterval(() => void this.store.renewLease(this.redisKey, this.token), store.leaseRenewalMs);
    this.renewal.unref();
  }

  /** Undoing an admission and ending a request both give the slot back. */
  rollback(): Promise<void> {
    return this.release();
  }

  release(): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.ended = true;
    clearInterval(this.renewal);
    return this.store.endLease(this, this.redisKey, this.token);
  }

  /** Stop renewing without releasing (the store is closing): the lease runs out by itself. */
  abandon(): void {
    this.ended = true;
    clearInterval(this.renewal);
  }
}
