import { createMailer as createTransport, type Mailer } from '@runnerly/mail';
import type { TokenDealerConfig } from '../config/options.js';

/** SMTP when configured; otherwise the outbox folder a developer (and the tests) can read. */
export function createMailer(config: Pick<TokenDealerConfig, 'smtpUrl' | 'mailFrom' | 'outboxDir'>): Mailer {
  return createTransport({ smtpUrl: config.smtpUrl, from: config.mailFrom, outboxDir: config.outboxDir });
}
