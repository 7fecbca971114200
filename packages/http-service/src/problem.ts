// RFC 9457 problem details: every error a service answers (except RFC 6750 token errors, which
// the guard writes) is application/problem+json with a stable `type` and, for bad input, the field.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { isDatabaseUnavailable } from '@runnerly/database';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'a URI naming the kind of problem; about:blank when the status says it all' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    field: Type.Optional(Type.String({ description: 'the request field at fault, as a JSON pointer into the body or the name of a query or path parameter' })),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), detail: Type.String() }))),
  },
  { $id: 'Problem', title: 'Problem details (RFC 9457)' },
);
export type Problem = Static<typeof ProblemSchema>;

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extra: { type?: string; field?: string; errors?: Problem['errors']; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? title);
    this.name = 'ProblemError';
  }

  toProblem(): Problem {
    return {
      type: this.extra.type ?? 'about:blank',
      title: this.title,
      status: this.status,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      ...(this.extra.field === undefined ? {} : { field: this.extra.field }),
      ...(this.extra.errors === undefined ? {} : { errors: this.extra.errors }),
    };
  }
}

export const badRequest = (field: string, detail: string): ProblemError =>
  new ProblemError(400, 'Invalid request', `${field}: ${detail}`, { type: 'urn:runnerly:problem:invalid-request', field, errors: [{ field, detail }] });

/** Another runner's data, or nothing at all: the same answer (existence is not disclosed). */
export const notFound = (detail = 'no such resource'): ProblemError => new ProblemError(404, 'Not Found', detail);

export const conflict = (detail: string): ProblemError => new ProblemError(409, 'Conflict', detail, { type: 'urn:runnerly:problem:conflict' });

export function sendProblem(reply: FastifyReply, problem: ProblemError): FastifyReply {
  return reply.code(problem.status).headers({ 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', ...problem.extra.headers }).send(problem.toProblem());
}

interface ValidationIssue {
  instancePath?: string;
  params?: Record<string, unknown>;
  message?: string;
}

/** Names the field of a schema validation error: "body/distance", "querystring/month", "params/sub". */
function validationProblem(error: FastifyError & { validation?: ValidationIssue[]; validationContext?: string }): ProblemError {
  const context = error.validationContext ?? 'body';
  const errors = (error.validation ?? []).map((issue) => {
    const missing = typeof issue.params?.missingProperty === 'string' ? `/${issue.params.missingProperty}` : '';
    const extra = typeof issue.params?.additionalProperty === 'string' ? `/${issue.params.additionalProperty}` : '';
    const path = `${issue.instancePath ?? ''}${missing}${extra}`;
    const field = context === 'body' ? (path === '' ? 'body' : path.slice(1)) : path === '' ? context : path.slice(1);
    const detail = extra ? 'is not a known field' : (issue.message ?? 'is invalid');
    return { field, detail };
  });
  const first = errors[0] ?? { field: context, detail: 'is invalid' };
  return new ProblemError(400, 'Invalid request', `${first.field}: ${first.detail}`, { type: 'urn:runnerly:problem:invalid-request', field: first.field, errors });
}

/** One place that turns every thrown error into a problem response; unexpected ones are logged, never shown. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError & { validation?: ValidationIssue[] }, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ProblemError) return sendProblem(reply, error);
    if (error.validation) return sendProblem(reply, validationProblem(error));
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors (bad JSON, body too large, unsupported media type): their messages name no secret.
      return sendProblem(reply, new ProblemError(status, titleOf(status), error.message, { type: `urn:runnerly:problem:${error.code ?? 'client-error'}` }));
    }
    // The database down or restarting: the client may try again shortly (never a 500 for an outage).
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return sendProblem(reply, unavailable());
    }
    request.log.error({ err: error }, 'request failed');
    if (status === 503) return sendProblem(reply, unavailable());
    return sendProblem(reply, new ProblemError(500, 'Internal Server Error', 'the server failed to answer; the failure has been logged'));
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, new ProblemError(404, 'Not Found', `no route for ${request.method} ${request.url.split('?')[0]}`)));
}

const unavailable = (): ProblemError =>
  new ProblemError(503, 'Service Unavailable', 'a dependency is unavailable; try again shortly', { headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } });

/** Retry-After of 503 answers: a restarted database is usually back within seconds. */
const RETRY_AFTER_SECONDS = 5;

function titleOf(status: number): string {
  return ({ 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable', 409: 'Conflict', 413: 'Content Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests' } as Record<number, string>)[status] ?? 'Bad Request';
}
