// runnerly-plans: configuration from the environment (see README), one URL line on stdout.
import { serviceMain } from '@runnerly/http-service';
import { PLANS_OPTIONS } from './config.js';
import { startPlans } from './server.js';

await serviceMain({ bin: 'runnerly-plans', service: 'plans', table: PLANS_OPTIONS, start: startPlans });
