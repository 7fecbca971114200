// Waits for background work (jobs, webhook deliveries) to reach a state, polling; fails with the last value seen.
import { setTimeout as sleep } from 'node:timers/promises';

export async function until<T>(probe: () => Promise<T> | T, done: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(value)?.slice(0, 500)}`);
    await sleep(25);
    value = await probe();
  }
  return value;
}
