import type { Logger } from 'pino';
import type { Metrics } from '../http/metrics.js';
import { isPermanentFailure, type MailMessage, type Mailer } from '@runnerly/mail';
import type { MailOutbox, OutboxEntry } from './mail-outbox.js';
import { DEFAULT_MAIL_RETRY, isTooOld, nextAttemptAt, type MailRetryPolicy } from './mail-retry-policy.js';

export interface MailCourierOptions extends MailRetryPolicy {
  /** How often to look for mail that other instances or earlier failures left; this instance's own mail wakes the courier at once. */
  pollIntervalMs: number;
  /** How long a claimed message stays with this instance: well beyond the longest send (see SmtpMailer), or another instance could send it again. */
  leaseMs: number;
  /** Messages sent at once. */
  concurrency: number;
}

const DEFAULT_OPTIONS: MailCourierOptions = { ...DEFAULT_MAIL_RETRY, pollIntervalMs: 5_000, leaseMs: 5 * 60_000, concurrency: 4 };

type MailMetrics = Pick<Metrics, 'mailSent' | 'mailRetried' | 'mailGivenUp'>;

/**
 * A short description of a failed send, for the outbox row and the logs: the error's code and the
 * SMTP reply code, never the server's text (it may quote the recipient) nor anything of the message.
 */
function failureReason(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const { code, responseCode } = error as Error & { code?: unknown; responseCode?: unknown };
  const parts = [typeof code === 'string' ? code : '', typeof responseCode === 'number' ? String(responseCode) : ''].filter(Boolean);
  return (parts.length > 0 ? parts.join(' ') : error.name).slice(0, 100);
}

/**
 * A failure that trying again cannot mend: the mail server refused the recipient for good (a 5xx
 * reply to the envelope, RFC 5321 section 4.2.1). Refusals of the connection, the login or the
 * message itself are retried: they come from outages and configuration, which get fixed.
 */

/**
 * Sends what is in the mail outbox; every instance runs one. It claims due messages with a lease
 * (so two instances never send one message at once), deletes each once the transport took it, and
 * after a failure tries again later with a doubling wait, up to a limit of attempts and age. It
 * wakes when this instance adds mail and polls for the rest. Delivery is at least once: a message
 * whose instance died between sending and deleting it goes out again when the lease runs out.
 */
export class MailCourier {
  private readonly options: MailCourierOptions;
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private wakeRequested = false;
  private stopped = false;

  constructor(
    private readonly outbox: MailOutbox,
    private readonly mailer: Mailer,
    private readonly metrics: MailMetrics,
    private readonly logger?: Logger,
    options: Partial<MailCourierOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  /** Starts polling, and sends at once what earlier runs left. */
  start(): void {
    if (this.stopped || this.timer) return;
    this.timer = setInterval(() => this.wake(), this.options.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  /** Puts a message in the outbox and wakes the courier. */
  async post(message: MailMessage): Promise<void> {
    await this.outbox.add(message);
    this.wake();
  }

  /** Sends what is due now; a wake during a round makes another round. */
  wake(): void {
    if (this.stopped) return;
    this.wakeRequested = true;
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      if (this.wakeRequested) this.wake();
    });
  }

  /** Resolves once the courier is idle: what was due has been sent, rescheduled or given up. */
  async settled(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Claims nothing more, and resolves once the sends in flight have finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.settled();
  }

  private async drain(): Promise<void> {
    while (this.wakeRequested && !this.stopped) {
      this.wakeRequested = false;
      try {
        // A full batch suggests more is due; a partial one means the rest is not due or another instance holds it.
        while (!this.stopped && (await this.sendBatch()) === this.options.concurrency);
      } catch (error) {
        this.logger?.error({ err: error }, 'reading the mail outbox failed');
      }
    }
  }

  private async sendBatch(): Promise<number> {
    const now = Date.now();
    const entries = await this.outbox.claim(now, now + this.options.leaseMs, this.options.concurrency);
    await Promise.all(entries.map((entry) => this.deliver(entry)));
    return entries.length;
  }

  private async deliver(entry: OutboxEntry): Promise<void> {
    try {
      if (!entry.message) return await this.giveUp(entry, 'unreadable payload');
      if (isTooOld(this.options, entry.createdAt, Date.now())) return await this.giveUp(entry, 'too old');
      if (entry.message.expiresAt !== undefined && Date.now() >= entry.message.expiresAt) return await this.giveUp(entry, 'link expired');
      try {
        await this.mailer.send(entry.message);
      } catch (error) {
        if (isPermanentFailure(error)) return await this.giveUp(entry, `${failureReason(error)} (permanent)`);
        return await this.failed(entry, failureReason(error));
      }
      this.metrics.mailSent.inc();
      this.logger?.info({ mail_id: entry.id, subject: entry.message.subject, attempts: entry.attempts }, 'mail sent');
      await this.outbox.remove(entry.id);
    } catch (error) {
      // The outbox itself failed: the lease runs out and the message is tried again (perhaps sent twice).
      this.logger?.error({ err: error, mail_id: entry.id }, 'updating the mail outbox failed');
    }
  }

  private async failed(entry: OutboxEntry, reason: string): Promise<void> {
    const now = Date.now();
    const at = nextAttemptAt(this.options, entry.attempts, entry.createdAt, now);
    if (at === undefined) return this.giveUp(entry, reason);
    // False when our lease ran out and another courier has the message now: it is theirs.
    if (!(await this.outbox.retryLater(entry, at, reason))) return;
    this.metrics.mailRetried.inc();
    this.logger?.warn({ mail_id: entry.id, attempts: entry.attempts, reason, retry_in_ms: at - now }, 'sending mail failed: will try again');
  }

  private async giveUp(entry: OutboxEntry, reason: string): Promise<void> {
    await this.outbox.remove(entry.id);
    this.metrics.mailGivenUp.inc();
    this.logger?.error({ mail_id: entry.id, subject: entry.message?.subject, attempts: entry.attempts, reason }, 'mail given up');
  }
}
