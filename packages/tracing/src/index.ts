export { createTracing, endSpan, type Tracing, type TracingOptions } from './tracing.js';
export { tracingConfigFromEnv, type TracingConfig } from './config.js';
export { traceLogFields } from './log-fields.js';
export { traceHeaders, traceparentOf } from './traceparent.js';
export { traceRequests } from './fastify.js';
export { activeSpan, withSpan } from './active.js';
export { traceJobRuns, type AroundJobRun, type JobRun } from './job-runs.js';
