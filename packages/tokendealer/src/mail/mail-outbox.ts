import { randomToken } from '../crypto/random.js';
import { TextSealer } from '../crypto/sealed-text.js';
import type { MailOutboxStore } from '../storage/mail-outbox-store.js';
import type { MailMessage } from '@runnerly/mail';

export interface OutboxEntry {
  id: string;
  /** Counting the attempt the claim starts. */
  attempts: number;
  createdAt: number;
  /** Undefined when the payload cannot be opened (it can never be sent). */
  message: MailMessage | undefined;
}

/**
 * The durable outbox as the mail code sees it: messages in, claimed messages out. A message
 * carries a single-use link, and the link tables keep only hashes so that reading the database
 * does not let anyone follow links; so with a master secret the payload is sealed (AES-256-GCM,
 * the row id bound as additional data). Without one it is stored as it is, exactly like the
 * signing keys, and TokenDealer warns about both at start.
 */
export class MailOutbox {
  private readonly sealer: TextSealer;

  constructor(
    private readonly store: MailOutboxStore,
    masterSecret: string | undefined,
  ) {
    this.sealer = new TextSealer(masterSecret, 'mail-outbox-encryption');
  }

  async add(message: MailMessage, now = Date.now()): Promise<void> {
    const id = randomToken(16);
    await this.store.insert({ id, payload: this.sealer.seal(id, JSON.stringify(message)), createdAt: now });
  }

  /** Up to `limit` due messages, held by this instance until `leaseUntil`. */
  async claim(now: number, leaseUntil: number, limit: number): Promise<OutboxEntry[]> {
    const rows = await this.store.claimDue(now, leaseUntil, limit);
    return rows.map((row) => ({ id: row.id, attempts: row.attempts, createdAt: row.createdAt, message: this.open(row.id, row.payload) }));
  }

  async remove(id: string): Promise<void> {
    await this.store.delete(id);
  }

  /** Releases a failed claim until the next attempt; false when another courier has claimed the row since. */
  async retryLater(entry: OutboxEntry, at: number, reason: string): Promise<boolean> {
    return this.store.reschedule(entry.id, entry.attempts, at, reason);
  }

  private open(id: string, payload: string): MailMessage | undefined {
    try {
      const message = JSON.parse(this.sealer.open(id, payload)) as Partial<MailMessage>;
      const fields = [message.to, message.subject, message.text, message.html];
      const expiry = message.expiresAt === undefined || typeof message.expiresAt === 'number';
      return fields.every((field) => typeof field === 'string') && Array.isArray(message.links) && expiry ? (message as MailMessage) : undefined;
    } catch {
      return undefined;
    }
  }
}
