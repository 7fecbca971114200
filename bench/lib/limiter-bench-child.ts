// The gateway's limiter alone, in its own process (started by limiter-bench.ts with --expose-gc,
// pinned to the server core): decisions per second of the memory store's rate limit and of the
// Redis store, and heap per tracked key of the memory store. Prints one JSON line.
import { performance } from 'node:perf_hooks';
import type * as Limits from '../../packages/gateway/dist/src/limits/index.js';
import { LIMITER_PLAN_VARIABLE, type DecisionSample, type LimiterChildPlan, type LimiterChildResults, type MemoryPerKeySample } from './limiter-bench.js';
import { GATEWAY_LIMITS_URL } from './paths.js';
import { deleteKeysWith, loadRedisLimitStore } from './redis-keys.js';

const { MemoryLimitStore } = (await import(GATEWAY_LIMITS_URL)) as typeof Limits;
const RedisLimitStore = await loadRedisLimitStore();
type RateRule = Limits.RateRule;
type LimitStore = Limits.LimitStore;

const planJson = process.env[LIMITER_PLAN_VARIABLE];
if (planJson === undefined) throw new Error(`${LIMITER_PLAN_VARIABLE} is not set: run through limiter-bench.ts`);
const plan = JSON.parse(planJson) as LimiterChildPlan;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

/**
 * One key: the proxy bench's limit (1,000,000 r/s) would trigger here, since the limiter alone decides
 * faster than that; 100 times the rate keeps every decision an admission that updates the bucket.
 */
const NEVER_TRIGGERING: RateRule = { type: 'rate', id: '/#0', ratePerSecond: 100_000_000, burst: 100_000, delay: 'nodelay' };
/**
 * Many keys: one request per second drains so slowly that no key goes idle (and is dropped) between
 * two of its requests, and no key gets near the burst: every decision finds its key and admits.
 */
const KEEPS_EVERY_KEY: RateRule = { type: 'rate', id: '/#0', ratePerSecond: 1, burst: 100_000, delay: 'nodelay' };

/** Distinct client addresses, as the gateway keys an `ip` limit (IPv4 dotted quad). */
const address = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const addresses = (count: number, offset = 0) => Array.from({ length: count }, (_, i) => address(offset + i));

// --- Memory store: synchronous decisions, in blocks of BLOCK until the sample time is used up.
const BLOCK = 10_000;

interface MemoryVariant {
  name: string;
  rule: RateRule;
  keys: string[];
  maxKeys: number;
  /** Take every key once before timing, so the sample measures the steady state. */
  prefill: boolean;
}

function memorySample(variant: MemoryVariant, seconds: number): DecisionSample {
  const store = new MemoryLimitStore({ maxKeys: variant.maxKeys });
  const { rule, keys } = variant;
  if (variant.prefill) for (const key of keys) store.take(rule, key, Date.now());
  let decisions = 0;
  let refused = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let now = started;
  while (now < deadline) {
    for (let i = 0; i < BLOCK; i++) {
      // Date.now() per decision, as the gateway passes it.
      if (!store.take(rule, keys[next]!, Date.now()).decision.allowed) refused++;
      if (++next === keys.length) next = 0;
    }
    decisions += BLOCK;
    now = performance.now();
  }
  const elapsed = (now - started) / 1000;
  return { variant: variant.name, decisions, seconds: elapsed, decisionsPerSecond: decisions / elapsed, refused, trackedKeys: store.size, evictedBeforeIdle: store.evictedBeforeIdle };
}

// --- Redis store: `inFlight` loops, each awaiting its decision before asking the next, on one connection.
async function redisSample(store: LimitStore, name: string, keys: string[], inFlight: number, seconds: number): Promise<DecisionSample> {
  let decisions = 0;
  let refused = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const key = keys[next]!;
      if (++next === keys.length) next = 0;
      const result = await store.take(NEVER_TRIGGERING, key, Date.now());
      decisions++;
      // The rule never triggers: a refusal is a failed decision (onError: deny).
      if (!result.decision.allowed) refused++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
  const elapsed = (performance.now() - started) / 1000;
  return { variant: name, decisions, seconds: elapsed, decisionsPerSecond: decisions / elapsed, refused, trackedKeys: undefined, evictedBeforeIdle: undefined };
}

// --- Heap per tracked key: fresh store, 100k distinct keys at one instant (so none is idle).
function heapUsedAfterGc(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

function memoryPerKeySample(keyCount: number, offset: number): MemoryPerKeySample {
  const keys = addresses(keyCount, offset);
  const store = new MemoryLimitStore({ maxKeys: keyCount * 2 });
  const now = Date.now();
  const before = heapUsedAfterGc();
  for (const key of keys) store.take(NEVER_TRIGGERING, key, now);
  const after = heapUsedAfterGc();
  const tracked = store.size;
  // Keep the store alive until after the second reading.
  void store.close();
  return { keys: tracked, heapDeltaBytes: after - before, bytesPerKey: (after - before) / tracked };
}

async function main(): Promise<LimiterChildResults> {
  const memoryVariants: MemoryVariant[] = [
    { name: 'memoryOneKey', rule: NEVER_TRIGGERING, keys: ['127.0.0.1'], maxKeys: 100_000, prefill: false },
    { name: 'memoryManyKeys', rule: KEEPS_EVERY_KEY, keys: addresses(plan.manyKeys), maxKeys: plan.manyKeys, prefill: true },
    { name: 'memoryChurn', rule: KEEPS_EVERY_KEY, keys: addresses(plan.churnKeys), maxKeys: plan.churnTableKeys, prefill: false },
  ];
  for (const variant of memoryVariants) memorySample(variant, plan.warmupSeconds);
  const memory: DecisionSample[] = [];
  for (let round = 0; round < plan.rounds; round++) {
    const order = memoryVariants.map((_, i) => memoryVariants[(i + round) % memoryVariants.length]!);
    for (const variant of order) memory.push(memorySample(variant, plan.memorySampleSeconds));
  }

  const memoryPerKey: MemoryPerKeySample[] = [];
  for (let round = 0; round < plan.rounds; round++) memoryPerKey.push(memoryPerKeySample(plan.memoryKeys, round * plan.memoryKeys));

  let redis: DecisionSample[] = [];
  let redisSkipped: string | undefined;
  let redisKeysDeleted = 0;
  // One store is one ioredis connection (with auto-pipelining, as in the gateway).
  const store = new RedisLimitStore({ url: plan.redisUrl, keyPrefix: plan.redisKeyPrefix, onError: 'deny', commandTimeoutMs: 1000 });
  try {
    if (!(await store.waitUntilReady(2000))) {
      redisSkipped = 'no connection within 2 s';
    } else {
      const variants = [
        { name: 'redisOneKey', keys: ['127.0.0.1'], inFlight: plan.redisInFlight },
        { name: 'redisManyKeys', keys: addresses(plan.redisManyKeys), inFlight: plan.redisInFlight },
        { name: 'redisOneKeySerial', keys: ['127.0.0.1'], inFlight: 1 },
      ];
      for (const variant of variants) await redisSample(store, variant.name, variant.keys, variant.inFlight, plan.warmupSeconds);
      redis = [];
      for (let round = 0; round < plan.rounds; round++) {
        const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
        for (const variant of order) redis.push(await redisSample(store, variant.name, variant.keys, variant.inFlight, plan.redisSampleSeconds));
      }
    }
  } finally {
    redisKeysDeleted = await deleteKeysWith(store, plan.redisKeyPrefix).catch(() => 0);
    await store.close();
  }
  return { memory, memoryPerKey, redis, redisSkipped, redisKeysDeleted };
}

process.stdout.write(`${JSON.stringify(await main())}\n`);
