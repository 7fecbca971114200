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

/** Every message in the outbox folder, oldest first (file names sort by time of sending). */
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

/** The newest message to an address; fails when there is none. */
export function lastMessageTo(dir: string, to: string): OutboxMessage {
  const message = readOutbox(dir).filter((entry) => entry.to === to).at(-1);
  if (!message) throw new Error(`no message to ${to} in the outbox`);
  return message;
}

export function messagesTo(dir: string, to: string): OutboxMessage[] {
  return readOutbox(dir).filter((entry) => entry.to === to);
}
