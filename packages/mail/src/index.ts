import type { Mailer } from './mailer.js';
import { OutboxMailer } from './outbox-mailer.js';
import { SmtpMailer } from './smtp-mailer.js';

export { isPermanentFailure, type MailMessage, type Mailer } from './mailer.js';
export { OutboxMailer } from './outbox-mailer.js';
export { SmtpMailer } from './smtp-mailer.js';

/** SMTP when a URL is given, else the outbox folder. */
export function createMailer(options: { smtpUrl: string | undefined; from: string; outboxDir: string }): Mailer {
  return options.smtpUrl ? new SmtpMailer(options.smtpUrl, options.from) : new OutboxMailer(options.outboxDir, options.from);
}
