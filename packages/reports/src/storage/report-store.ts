// The reports service's tables: months to build (with a lease, so one instance builds each), the
// reports, and their deliveries (the ledger that keeps mail to at most once per runner and month).
import { openMigratedDatabase, ping, staticMigrations, type DatabaseHandle, type SchemaCheckOptions } from '@runnerly/database';
import { reports } from './migrations/001-reports.js';
import type { DeliveriesTable, ReportMonthsTable, ReportsDatabase } from './schema.js';

export const MIGRATIONS = staticMigrations({ '001-reports': reports });

export class ReportStore {
  readonly #handle: DatabaseHandle<ReportsDatabase>;

  private constructor(handle: DatabaseHandle<ReportsDatabase>) {
    this.#handle = handle;
  }

  /** `apply: false` only checks that the migrations were applied (SchemaNotCurrentError if not, after `waitMs`). */
  static async open(url: string, options: SchemaCheckOptions = {}): Promise<ReportStore> {
    return new ReportStore(await openMigratedDatabase<ReportsDatabase>(url, MIGRATIONS, options));
  }

  get db() {
    return this.#handle.db;
  }

  ping(): Promise<void> {
    return ping(this.#handle.db);
  }

  /** The stored value, or `value` stored now if there was none (first writer wins). */
  async settingOr(name: string, value: string): Promise<string> {
    await this.db.insertInto('settings').values({ name, value }).onConflict((conflict) => conflict.column('name').doNothing()).execute();
    return (await this.db.selectFrom('settings').select('value').where('name', '=', name).executeTakeFirstOrThrow()).value;
  }

  async ensureMonths(months: readonly string[], now: number): Promise<void> {
    for (const month of months) {
      await this.db.insertInto('report_months').values({ month, state: 'pending', cursor: null, lease_owner: null, lease_until: null, created_at: now, finished_at: null }).onConflict((conflict) => conflict.column('month').doNothing()).execute();
    }
  }

  /**
   * Builds `month` again (runs may have arrived since): its reports are refreshed, its mail is not
   * sent twice. A build in progress loses its lease (its next progress fails) and a new one starts over.
   */
  async requestMonth(month: string, now: number): Promise<void> {
    await this.db
      .insertInto('report_months')
      .values({ month, state: 'pending', cursor: null, lease_owner: null, lease_until: null, created_at: now, finished_at: null })
      .onConflict((conflict) => conflict.column('month').doUpdateSet({ state: 'pending', cursor: null, finished_at: null, lease_owner: null, lease_until: null }))
      .execute();
  }

  /** Takes the oldest month still to build whose lease is free, for `leaseMs`. */
  async claimMonth(owner: string, now: number, leaseMs: number): Promise<ReportMonthsTable | undefined> {
    const candidates = await this.db
      .selectFrom('report_months')
      .selectAll()
      .where('state', '=', 'pending')
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('month')
      .limit(3)
      .execute();
    for (const candidate of candidates) {
      const result = await this.db
        .updateTable('report_months')
        .set({ lease_owner: owner, lease_until: now + leaseMs })
        .where('month', '=', candidate.month)
        .where('state', '=', 'pending')
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) return { ...candidate, lease_owner: owner, lease_until: now + leaseMs };
    }
    return undefined;
  }

  /** Records progress and extends the lease; false when the lease was lost to another instance. */
  async progressMonth(month: string, owner: string, cursor: string | null, now: number, leaseMs: number): Promise<boolean> {
    const result = await this.db.updateTable('report_months').set({ cursor, lease_until: now + leaseMs }).where('month', '=', month).where('lease_owner', '=', owner).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async finishMonth(month: string, owner: string, now: number): Promise<void> {
    await this.db.updateTable('report_months').set({ state: 'done', lease_owner: null, lease_until: null, finished_at: now }).where('month', '=', month).where('lease_owner', '=', owner).execute();
  }

  async saveReport(userId: string, month: string, report: unknown, now: number): Promise<void> {
    const json = JSON.stringify(report);
    await this.db
      .insertInto('reports')
      .values({ user_id: userId, month, report: json, created_at: now })
      .onConflict((conflict) => conflict.columns(['user_id', 'month']).doUpdateSet({ report: json }))
      .execute();
  }

  /** Records that the report is to be mailed (or not); an existing delivery is never reset. */
  async addDelivery(userId: string, month: string, email: string | null, mail: boolean, now: number): Promise<void> {
    await this.db
      .insertInto('deliveries')
      .values({ user_id: userId, month, state: mail && email ? 'pending' : 'skipped', email, attempts: 0, next_attempt_at: now, lease_until: null, last_error: mail && email ? null : email ? 'mail turned off' : 'no email address', sent_at: null })
      .onConflict((conflict) => conflict.columns(['user_id', 'month']).doNothing())
      .execute();
  }

  /** Takes one due delivery for sending; it is 'sending' (never taken again) until marked. */
  async claimDelivery(now: number, leaseMs: number): Promise<DeliveriesTable | undefined> {
    const due = await this.db.selectFrom('deliveries').selectAll().where('state', '=', 'pending').where('next_attempt_at', '<=', now).orderBy('next_attempt_at').limit(3).execute();
    for (const delivery of due) {
      const result = await this.db
        .updateTable('deliveries')
        .set({ state: 'sending', lease_until: now + leaseMs, attempts: delivery.attempts + 1 })
        .where('user_id', '=', delivery.user_id)
        .where('month', '=', delivery.month)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) return { ...delivery, state: 'sending', attempts: delivery.attempts + 1 };
    }
    return undefined;
  }

  async markDelivery(userId: string, month: string, change: Partial<Pick<DeliveriesTable, 'state' | 'next_attempt_at' | 'last_error' | 'sent_at'>>): Promise<void> {
    await this.db.updateTable('deliveries').set({ ...change, lease_until: null }).where('user_id', '=', userId).where('month', '=', month).where('state', '=', 'sending').execute();
  }

  /** A sender that died mid-send may or may not have sent: such mail is never tried again (at most once). */
  async abandonStaleSends(now: number): Promise<number> {
    const result = await this.db.updateTable('deliveries').set({ state: 'unknown', last_error: 'the sender stopped while sending', lease_until: null }).where('state', '=', 'sending').where('lease_until', '<', now).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async listReports(userId: string): Promise<{ month: string; report: string }[]> {
    return this.db.selectFrom('reports').select(['month', 'report']).where('user_id', '=', userId).orderBy('month', 'desc').limit(120).execute();
  }

  async findReport(userId: string, month: string): Promise<string | undefined> {
    return (await this.db.selectFrom('reports').select('report').where('user_id', '=', userId).where('month', '=', month).executeTakeFirst())?.report;
  }

  async delivery(userId: string, month: string): Promise<DeliveriesTable | undefined> {
    return this.db.selectFrom('deliveries').selectAll().where('user_id', '=', userId).where('month', '=', month).executeTakeFirst();
  }

  close(): Promise<void> {
    return this.#handle.close();
  }
}
