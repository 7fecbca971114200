import type { Logger } from 'pino';
import type { MailMessage } from '@runnerly/mail';
import type { MailCourier } from './mail-courier.js';

interface Job {
  what: string;
  prepare: () => Promise<MailMessage | undefined>;
}

export interface MailQueueLimits {
  /** Jobs run at once (each does lookups and database writes). */
  concurrency: number;
  /** Jobs waiting beyond this are dropped (and logged): a flood cannot grow memory without bound. */
  maxWaiting: number;
}

const DEFAULT_LIMITS: MailQueueLimits = { concurrency: 4, maxWaiting: 1000 };

/**
 * Account mail off the request path, first stage. A page enqueues a job (the lookups, the link,
 * the message) and answers at once, so the time it takes says nothing about whether the email
 * has an account. The job's message goes to the durable outbox, from which the courier sends it
 * (see MailCourier): a slow, failing or absent mail server neither slows nor breaks the page,
 * and costs no mail. Failures of the job itself are logged.
 */
export class MailQueue {
  private readonly waiting: Job[] = [];
  private running = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly courier: Pick<MailCourier, 'post' | 'settled'>,
    private readonly logger?: Logger,
    private readonly limits: MailQueueLimits = DEFAULT_LIMITS,
  ) {}

  /** Runs `prepare` later and puts the message it returns (none: nothing to send) in the outbox. */
  enqueue(what: string, prepare: () => Promise<MailMessage | undefined>): void {
    if (this.waiting.length >= this.limits.maxWaiting) {
      this.logger?.error({ what }, 'mail queue full: job dropped');
      return;
    }
    this.waiting.push({ what, prepare });
    this.pump();
  }

  /** Resolves once every job enqueued so far (and any they lead to) has put its message in the outbox. */
  prepared(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Resolves once every job enqueued so far has finished and the courier has gone through what
   * is due (sent it, or scheduled it for later): what tests and settleMailBeforeReply wait for.
   */
  async settled(): Promise<void> {
    await this.prepared();
    await this.courier.settled();
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
      if (message) await this.courier.post(message);
    } catch (error) {
      this.logger?.error({ err: error, what: job.what }, 'preparing mail failed');
    }
  }
}
