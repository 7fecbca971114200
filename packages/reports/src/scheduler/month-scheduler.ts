// Builds each month's reports once the month has ended: months are recorded from the first one
// after installation on, so months missed while the service was down are caught up; a month is
// built by one instance at a time (a lease), resuming from its saved cursor after a crash. A report
// is stored whole or not at all: when the runner's plan cannot be read, the month's build stops
// and is tried again (as when the data service is down), rather than storing and mailing a report
// that silently lacks the comparison with the plan.
import type { Logger } from 'pino';
import type { AroundJobRun } from '@runnerly/tracing';
import { DataServiceUnavailable, type DataServiceClient } from '../data-service/data-service-client.js';
import type { PlansClient } from '../plans-service/plans-client.js';
import { buildReport } from '../report/build-report.js';
import { comparePlan } from '../report/plan-comparison.js';
import { addMonths, lastCompletedMonth, lastDayOf, monthsFrom } from '../report/months.js';
import type { ReportStore } from '../storage/report-store.js';

const LEASE_MS = 120_000;
const RETRY_AFTER_FAILURE_MS = 30_000;
/** The name of a month's build in traces: a background job like the others. */
export const MONTH_BUILD = 'reports.month';

interface Progress {
  cursor: string | null;
  built: number;
}

export class MonthScheduler {
  constructor(
    private readonly store: ReportStore,
    private readonly data: DataServiceClient,
    private readonly plans: PlansClient,
    private readonly logger: Logger,
    private readonly owner: string,
    private readonly clock: () => number = Date.now,
    /** With tracing on, each month's build is a trace of its own (its calls are client spans under it). */
    private readonly aroundBuild?: AroundJobRun,
  ) {}

  /** Records the months due, then builds every one whose lease is free. */
  async tick(): Promise<void> {
    const now = this.clock();
    const last = lastCompletedMonth(new Date(now));
    // The first month ever built is the last one completed at installation.
    const first = await this.store.settingOr('first_month', last);
    await this.store.ensureMonths(monthsFrom(first, last), now);
    for (let month = await this.store.claimMonth(this.owner, this.clock(), LEASE_MS); month; month = await this.store.claimMonth(this.owner, this.clock(), LEASE_MS)) {
      await this.build(month.month, month.cursor);
    }
  }

  async build(month: string, startCursor: string | null): Promise<void> {
    const progress: Progress = { cursor: startCursor, built: 0 };
    try {
      const run = () => this.buildPages(month, progress);
      await (this.aroundBuild ? this.aroundBuild({ id: month, type: MONTH_BUILD }, run) : run());
    } catch (error) {
      this.logger.warn({ err: error, month, built: progress.built }, 'building the monthly reports failed; will try again');
      await this.store.progressMonth(month, this.owner, progress.cursor, this.clock(), RETRY_AFTER_FAILURE_MS);
    }
  }

  /** Builds the month's remaining pages of runners from `progress.cursor` on, recording each page done. */
  private async buildPages(month: string, progress: Progress): Promise<void> {
    do {
      const page = await this.data.runnersActiveIn(month, progress.cursor);
      for (const runner of page.runners) {
        try {
          await this.buildFor(runner, month);
          progress.built += 1;
        } catch (error) {
          // One runner (say, an account deleted meanwhile) must not hold back everybody's report.
          if (!(error instanceof DataServiceUnavailable) || !/answered 404/.test(error.message)) throw error;
          this.logger.warn({ month, reason: error.message }, 'a runner of the month is gone; skipped');
        }
      }
      progress.cursor = page.nextCursor;
      if (!(await this.store.progressMonth(month, this.owner, progress.cursor, this.clock(), LEASE_MS))) {
        this.logger.warn({ month }, 'lease lost; another instance goes on with the month');
        return;
      }
    } while (progress.cursor !== null);
    await this.store.finishMonth(month, this.owner, this.clock());
    this.logger.info({ month, built: progress.built }, 'monthly reports built');
  }

  private async buildFor(runner: string, month: string): Promise<void> {
    const [profile, runs, previous, plan] = await Promise.all([
      this.data.profile(runner),
      this.data.runsOfMonth(runner, month),
      this.data.runsOfMonth(runner, addMonths(month, -1)),
      this.plans.window(runner, `${month}-01`, lastDayOf(month)),
    ]);
    const now = this.clock();
    await this.store.saveReport(runner, month, buildReport(month, runs, previous, plan ? comparePlan(month, plan, runs) : null), now);
    await this.store.addDelivery(runner, month, profile.email, profile.report_emails, now);
  }
}
