export { startReports, type RunningReports } from './server.js';
export { REPORTS_OPTIONS, type ReportsConfig } from './config.js';
export { buildReport, type MonthlyReport } from './report/build-report.js';
export { lastCompletedMonth } from './report/months.js';
export { ReportStore } from './storage/report-store.js';
export type { PlanComparison } from './report/plan-comparison.js';
