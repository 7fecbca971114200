import { mkdir, rename, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { MailMessage, Mailer } from './mailer.js';

/**
 * Without SMTP, mail goes to a folder: one JSON file per message, written to a temporary name
 * and renamed, so a reader never sees half a message. Names sort by time of sending.
 */
export class OutboxMailer implements Mailer {
  private sequence = 0;

  constructor(
    private readonly dir: string,
    private readonly from: string,
  ) {}

  get description(): string {
    return `outbox folder ${this.dir}`;
  }

  async send(message: MailMessage): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const sentAt = new Date();
    const name = `${sentAt.toISOString().replace(/[:.]/g, '-')}-${String(this.sequence++).padStart(6, '0')}-${randomBytes(6).toString('base64url')}`;
    const { to, subject, text, html, links, expiresAt } = message;
    const expires = expiresAt === undefined ? {} : { expires_at: new Date(expiresAt).toISOString() };
    const body = JSON.stringify({ from: this.from, to, subject, text, html, links, ...expires, sent_at: sentAt.toISOString() }, null, 2);
    const temporary = join(this.dir, `.${name}.tmp`);
    await writeFile(temporary, `${body}\n`, { mode: 0o600 });
    await rename(temporary, join(this.dir, `${name}.json`));
  }

  async close(): Promise<void> {}
}
