// Mails stored reports, at most once per runner and month whatever the number of instances or
// restarts: a delivery is marked 'sending' before the message leaves, and one found still sending
// after its lease (the sender died) is never tried again. A send that failed (nothing left) is
// retried with backoff, unless the server refused it for good.
import { isPermanentFailure, type Mailer } from '@runnerly/mail';
import type { Logger } from 'pino';
import type { DataServiceClient } from '../data-service/data-service-client.js';
import type { MonthlyReport } from '../report/build-report.js';
import { reportMail } from '../report/report-mail.js';
import type { ReportStore } from '../storage/report-store.js';

// Longer than the worst send: the profile read (10 s) and SMTP's connection, greeting and socket timeouts (30 + 30 + 60 s).
const SEND_LEASE_MS = 180_000;
const MAX_ATTEMPTS = 10;
const backoffMs = (attempts: number): number => Math.min(6 * 3_600_000, 300_000 * 2 ** (attempts - 1));

export class ReportCourier {
  constructor(
    private readonly store: ReportStore,
    private readonly data: DataServiceClient,
    private readonly mailer: Mailer,
    private readonly logger: Logger,
    private readonly dashboardUrl: string,
    private readonly clock: () => number = Date.now,
  ) {}

  async tick(): Promise<void> {
    const abandoned = await this.store.abandonStaleSends(this.clock());
    if (abandoned > 0) this.logger.warn({ abandoned }, 'reports whose sender stopped mid-send are not sent again');
    for (let delivery = await this.store.claimDelivery(this.clock(), SEND_LEASE_MS); delivery; delivery = await this.store.claimDelivery(this.clock(), SEND_LEASE_MS)) {
      const { user_id: userId, month } = delivery;
      try {
        // The runner may have turned the mail off, or changed address, since the report was built.
        const profile = await this.data.profile(userId);
        const stored = await this.store.findReport(userId, month);
        if (!profile.report_emails || !profile.email || !stored) {
          await this.store.markDelivery(userId, month, { state: 'skipped', last_error: !stored ? 'no report' : profile.email ? 'mail turned off' : 'no email address' });
          continue;
        }
        await this.mailer.send(reportMail(JSON.parse(stored) as MonthlyReport, profile.email, { units: profile.units, name: profile.display_name, dashboardUrl: this.dashboardUrl }));
        await this.store.markDelivery(userId, month, { state: 'sent', sent_at: this.clock(), last_error: null });
      } catch (error) {
        const reason = error instanceof Error ? error.message.slice(0, 300) : String(error);
        const giveUp = isPermanentFailure(error) || delivery.attempts >= MAX_ATTEMPTS;
        await this.store.markDelivery(userId, month, giveUp ? { state: 'failed', last_error: reason } : { state: 'pending', last_error: reason, next_attempt_at: this.clock() + backoffMs(delivery.attempts) });
        this.logger.warn({ month, attempts: delivery.attempts, giveUp, reason }, 'mailing a report failed');
      }
    }
  }
}
