// Redis for the benches, through the gateway's own Redis limit store (so the bench needs no Redis
// client of its own): is it there, and removing every key a run created under its unique prefix.
import type * as RedisStoreModule from '../../packages/gateway/dist/src/limits/redis-store.js';
import { GATEWAY_REDIS_STORE_URL } from './paths.js';

type RedisLimitStore = InstanceType<typeof RedisStoreModule.RedisLimitStore>;

/** The gateway's compiled RedisLimitStore (the package does not export it). */
export async function loadRedisLimitStore(): Promise<typeof RedisStoreModule.RedisLimitStore> {
  return ((await import(GATEWAY_REDIS_STORE_URL)) as typeof RedisStoreModule).RedisLimitStore;
}

async function withStore<T>(url: string, use: (store: RedisLimitStore) => Promise<T>): Promise<T> {
  const RedisLimitStore = await loadRedisLimitStore();
  const store = new RedisLimitStore({ url, onError: 'deny', commandTimeoutMs: 2000 });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

/** undefined when Redis answers PING, else why not. */
export async function redisReachable(url: string): Promise<string | undefined> {
  try {
    return await withStore(url, async (store) => {
      if (!(await store.waitUntilReady(2000))) return 'no connection within 2 s';
      const pong = await store.redis.ping();
      return pong === 'PONG' ? undefined : `PING answered ${pong}`;
    });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Deletes every key under `prefix`; returns how many there were. */
export async function deleteRedisKeys(url: string, prefix: string): Promise<number> {
  return withStore(url, async (store) => deleteKeysWith(store, prefix));
}

/** The same, on a store the caller already holds. */
export async function deleteKeysWith(store: RedisLimitStore, prefix: string): Promise<number> {
  if (!(await store.waitUntilReady(2000))) return 0;
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await store.redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await store.redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** The Redis URL without a password, for logs and reports. */
export function redactedRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.username = '';
    return parsed.href;
  } catch {
    return 'redis';
  }
}
