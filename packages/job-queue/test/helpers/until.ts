// Waiting for something that happens in the background (a poll, a worker, another instance).
import { setTimeout as sleep } from 'node:timers/promises';

/** Waits until the condition holds, checking every `everyMs`; fails after `ms`. */
export async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 10_000, everyMs = 10): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(everyMs);
  }
}

/** A promise with its resolver outside, for handlers a test holds open. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
