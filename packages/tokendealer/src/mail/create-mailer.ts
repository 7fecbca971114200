import type { TokenDealerConfig } from '../config/options.js';
import type { Mailer } from './mailer.js';
import { OutboxMailer } from './outbox-mailer.js';
import { SmtpMailer } from './smtp-mailer.js';

/** SMTP when configured; otherwise the outbox folder a developer (and the tests) can read. */
export function createMailer(config: Pick<TokenDealerConfig, 'smtpUrl' | 'mailFrom' | 'outboxDir'>): Mailer {
  return config.smtpUrl ? new SmtpMailer(config.smtpUrl, config.mailFrom) : new OutboxMailer(config.outboxDir, config.mailFrom);
}
