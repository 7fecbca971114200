// The outbox folder of mail (one JSON file per message, as @runnerly/mail writes it), read by tests.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface OutboxMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  links: string[];
}

/** Every message in the folder, oldest first (file names sort by time of sending). */
export function readOutbox(dir: string): OutboxMessage[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as OutboxMessage);
}

/**
 * The newest message to `to`, waiting for it: mail is delivered by a courier after the page that
 * announces it has answered, so a test that reads at once races it.
 */
export async function waitForMail(dir: string, to: string, timeoutMs = 15_000): Promise<OutboxMessage | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mail = readOutbox(dir).filter((message) => message.to === to).at(-1);
    if (mail || Date.now() >= deadline) return mail;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
