export { createServiceApp, type ServiceApp, type ServiceAppOptions } from './service-app.js';
export { createServiceLogger, REDACTED_PATHS } from './logger.js';
export { ServiceMetrics, REQUEST_DURATION_BUCKETS } from './metrics.js';
export { addressMatcher, bearerMatcher, metricsAccess, type MetricsAccessOptions } from './metrics-access.js';
export { ProblemError, ProblemSchema, PROBLEM_CONTENT_TYPE, badRequest, conflict, notFound, sendProblem, installProblemHandlers, type Problem } from './problem.js';
export { pathSubject } from './user-subject.js';
export { listen, stopOnSignals } from './serve.js';
// Re-exported so that services see the guard's and the OpenAPI plugin's additions to Fastify's types.
export type { AccessRequirement } from '@runnerly/guard/fastify';
export type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
export { serviceMain } from './service-main.js';
export { schemaWaitOptions } from './schema-wait.js';
