export interface ReportMonthsTable {
  month: string;
  state: 'pending' | 'done';
  /** The data service's paging cursor over the month's runners: a build resumes where it stopped. */
  cursor: string | null;
  lease_owner: string | null;
  lease_until: number | null;
  created_at: number;
  finished_at: number | null;
}

export interface ReportsTable {
  user_id: string;
  month: string;
  report: string;
  created_at: number;
}

export interface DeliveriesTable {
  user_id: string;
  month: string;
  /** pending → sending → sent; skipped (mail off, no address), failed (refused for good), unknown (the sender died while sending: never sent again). */
  state: 'pending' | 'sending' | 'sent' | 'skipped' | 'failed' | 'unknown';
  email: string | null;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  last_error: string | null;
  sent_at: number | null;
}

export interface SettingsTable {
  name: string;
  value: string;
}

export interface ReportsDatabase {
  report_months: ReportMonthsTable;
  reports: ReportsTable;
  deliveries: DeliveriesTable;
  settings: SettingsTable;
}
