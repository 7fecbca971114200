import type { Logger } from 'pino';
import type { MailMessage, Mailer } from './mailer.js';

interface Job {
  what: string;
  prepare: () => Promise<MailMessage | undefined>;
}

export interface MailQueueLimits {
  /** Jobs run at once (each may wait on SMTP). */
  concurrency: number;
  /** Jobs waiting beyond this are dropped (and logged): a flood cannot grow memory without bound. */
  maxWaiting: number;
}

const DEFAULT_LIMITS: MailQueueLimits = { concurrency: 4, maxWaiting: 1000 };

/**
 * Account mail off the request path. A page enqueues a job (the lookups, the link, the message)
 * and answers at once, so the time it takes says nothing about whether the email has an account,
 * and a slow or failing mail server neither slows nor breaks the page. Failures are logged.
 */
export class MailQueue {
  private readonly waiting: Job[] = [];
  private running = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly mailer: Mailer,
    private readonly logger?: Logger,
    private readonly limits: MailQueueLimits = DEFAULT_LIMITS,
  ) {}

  /** Runs `prepare` later and sends the message it returns (none: nothing to send). */
  enqueue(what: string, prepare: () => Promise<MailMessage | undefined>): void {
    if (this.waiting.length >= this.limits.maxWaiting) {
      this.logger?.error({ what }, 'mail queue full: job dropped');
      return;
    }
    this.waiting.push({ what, prepare });
    this.pump();
  }

  /** Resolves once every job enqueued so far (and any they lead to) has finished. */
  settled(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < this.limits.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.running++;
      void this.run(job).finally(() => {
        this.running--;
        this.pump();
        if (this.running === 0 && this.waiting.length === 0) {
          const waiters = this.idleWaiters;
          this.idleWaiters = [];
          for (const resolve of waiters) resolve();
        }
      });
    }
  }

  private async run(job: Job): Promise<void> {
    try {
      const message = await job.prepare();
      if (!message) return;
      await this.mailer.send(message);
      this.logger?.info({ subject: message.subject }, 'mail sent');
    } catch (error) {
      this.logger?.error({ err: error, what: job.what }, 'sending mail failed');
    }
  }
}
