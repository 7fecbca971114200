// The gateway's limiter alone: runs limiter-bench-child.js in its own process (node --expose-gc,
// pinned to the server core, nothing else loaded meanwhile) and returns what it measured.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { pinnedCommand, SERVER_CORE } from './cpu-pinning.js';
import { redactedRedisUrl } from './redis-keys.js';
import { LIMITER_BENCH_CHILD, REPO_ROOT } from './paths.js';
import { cleanEnvironment } from './tokendealer-process.js';

const run = promisify(execFile);

/** The environment variable that hands the child its plan. */
export const LIMITER_PLAN_VARIABLE = 'RUNNERLY_LIMITER_BENCH_PLAN';

export interface LimiterPlan {
  warmupSeconds: number;
  rounds: number;
  memorySampleSeconds: number;
  redisSampleSeconds: number;
  /** Distinct keys of the many-keys variant (all tracked at once). */
  manyKeys: number;
  /** Distinct keys cycled through a table of `churnTableKeys`: every decision inserts one key and evicts another. */
  churnKeys: number;
  churnTableKeys: number;
  /** Keys tracked for the heap-per-key measurement. */
  memoryKeys: number;
  redisInFlight: number;
  redisManyKeys: number;
}

/** What the child gets: the plan, the Redis and a key prefix no other run uses. */
export interface LimiterChildPlan extends LimiterPlan {
  redisUrl: string;
  redisKeyPrefix: string;
}

export interface DecisionSample {
  variant: string;
  decisions: number;
  seconds: number;
  decisionsPerSecond: number;
  /** Decisions that refused: the rules never trigger, so anything but 0 is a failure (for Redis: a failed command). */
  refused: number;
  /** Memory store: keys tracked at the end of the sample, and keys evicted while still counting. */
  trackedKeys: number | undefined;
  evictedBeforeIdle: number | undefined;
}

export interface MemoryPerKeySample {
  keys: number;
  heapDeltaBytes: number;
  bytesPerKey: number;
}

export interface LimiterChildResults {
  memory: DecisionSample[];
  memoryPerKey: MemoryPerKeySample[];
  redis: DecisionSample[];
  redisSkipped: string | undefined;
  /** Keys the Redis samples created, deleted at the end. */
  redisKeysDeleted: number;
}

export interface LimiterResults extends LimiterChildResults {
  plan: LimiterPlan;
  /** The Redis of the Redis samples, without credentials. */
  redisTarget: string;
}

export async function benchLimiter(plan: LimiterPlan, redisUrl: string, log: (line: string) => void): Promise<LimiterResults> {
  const childPlan: LimiterChildPlan = { ...plan, redisUrl, redisKeyPrefix: `runnerly-bench-${process.pid}-${randomBytes(4).toString('hex')}:` };
  const { command, args } = pinnedCommand(SERVER_CORE, process.execPath, ['--expose-gc', LIMITER_BENCH_CHILD]);
  // In the environment, not on the command line: the Redis URL may hold a password.
  const env = { ...cleanEnvironment(), [LIMITER_PLAN_VARIABLE]: JSON.stringify(childPlan) };
  const { stdout } = await run(command, args, { cwd: REPO_ROOT, env, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 });
  const lastLine = stdout.trim().split('\n').at(-1) ?? '';
  const results = JSON.parse(lastLine) as LimiterChildResults;
  for (const sample of [...results.memory, ...results.redis]) {
    log(`  ${sample.variant.padEnd(18)} ${Math.round(sample.decisionsPerSecond)} decisions/s${sample.refused > 0 ? `, ${sample.refused} refused` : ''}`);
  }
  for (const sample of results.memoryPerKey) log(`  heap per key       ${Math.round(sample.bytesPerKey)} B (${sample.keys} keys)`);
  if (results.redisSkipped !== undefined) log(`  Redis skipped: ${results.redisSkipped}`);
  return { plan, redisTarget: redactedRedisUrl(redisUrl), ...results };
}
