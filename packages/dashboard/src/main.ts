// runnerly-dashboard: configuration from the environment (see README), one URL line on stdout.
import { serviceMain } from '@runnerly/http-service';
import { DASHBOARD_OPTIONS } from './config.js';
import { startDashboard } from './server.js';

await serviceMain({ bin: 'runnerly-dashboard', service: 'dashboard', table: DASHBOARD_OPTIONS, start: (config, logger) => startDashboard(config, logger) });
