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
