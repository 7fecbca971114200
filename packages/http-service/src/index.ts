export { createServiceApp, type ServiceApp, type ServiceAppOptions } from './service-app.js';
export { createServiceLogger, REDACTED_PATHS } from './logger.js';
export { ServiceMetrics } from './metrics.js';
export { addressMatcher, bearerMatcher, metricsAccess, type MetricsAccessOptions } from './metrics-access.js';
export { ProblemError, ProblemSchema, PROBLEM_CONTENT_TYPE, badRequest, conflict, notFound, sendProblem, installProblemHandlers, type Problem } from './problem.js';
export { pathSubject } from './user-subject.js';
export { listen, stopOnSignals } from './serve.js';
