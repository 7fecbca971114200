export { startDashboard, type RunningDashboard } from './server.js';
export { DASHBOARD_OPTIONS, type DashboardConfig } from './config.js';
export { CONTENT_SECURITY_POLICY } from './web/static-site.js';
